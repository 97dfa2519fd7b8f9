#include "adapters/intake/input_decoders.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "adapters/json/testing/sample_files.h"
#include "gateway/core/case_id.h"

namespace gw {
namespace {

constexpr EpochMs kReceivedAt = 1758421330000;

InputSpec spec_for(InputFormat format, Charset charset = Charset::utf8) {
  InputSpec spec;
  spec.topic = "in";
  spec.format = format;
  spec.charset = charset;
  return spec;
}

void expect_same_case(const Case& a, const Case& b) {
  EXPECT_EQ(a.case_id, b.case_id);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.source_ref, b.source_ref);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.region.district_code, b.region.district_code);
  EXPECT_EQ(a.region.district, b.region.district);
  EXPECT_EQ(a.region.street, b.region.street);
  EXPECT_EQ(a.region.community, b.region.community);
  EXPECT_EQ(a.reporter.name, b.reporter.name);
  EXPECT_EQ(a.reporter.phone, b.reporter.phone);
  EXPECT_EQ(a.reporter.anonymous, b.reporter.anonymous);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.reported_at, b.reported_at);
  EXPECT_EQ(a.received_at, b.received_at);
  EXPECT_EQ(a.source_deadline, b.source_deadline);
  EXPECT_EQ(a.status, b.status);
  ASSERT_EQ(a.attachments.size(), b.attachments.size());
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    EXPECT_EQ(a.attachments[i].type, b.attachments[i].type);
    EXPECT_EQ(a.attachments[i].url, b.attachments[i].url);
  }
}

TEST(InputDecoders, EveryGoodSampleDecodesWithItsOwnDecoderAndByAutodetection) {
  const auto tickets = make_input_decoder(spec_for(InputFormat::hotline));
  const auto reports = make_input_decoder(spec_for(InputFormat::grid));
  const auto detect = make_autodetect_decoder(Charset::utf8, 1 << 20, GridOptions{});
  const std::pair<const char*, InputDecoder*> files[] = {{"hotline-tickets.jsonl", tickets.get()},
                                                         {"grid-reports.jsonl", reports.get()}};
  for (const auto& [file, decoder] : files) {
    const std::vector<std::string> lines = testing::read_sample_lines(file);
    ASSERT_EQ(lines.size(), 20u) << file;
    for (const std::string& line : lines) {
      const Result<Case> own = decoder->decode(line, kReceivedAt);
      ASSERT_TRUE(own.ok()) << own.refusal().message();
      const Result<Case> detected = detect->decode(line, kReceivedAt);
      ASSERT_TRUE(detected.ok()) << detected.refusal().message();
      expect_same_case(*own, *detected);
      EXPECT_EQ(own->received_at, kReceivedAt);
    }
  }
}

TEST(InputDecoders, TheGbSampleDecodesToTheSameCaseAsItsUtf8Twin) {
  const std::string gb = testing::read_sample("hotline-ticket.gbk.json");
  ASSERT_FALSE(gb.empty());
  const std::string utf8 = testing::read_sample_lines("hotline-tickets.jsonl").front();
  const Result<Case> expected =
      make_input_decoder(spec_for(InputFormat::hotline))->decode(utf8, kReceivedAt);
  ASSERT_TRUE(expected.ok());
  for (Charset charset : {Charset::gbk, Charset::gb18030}) {
    const Result<Case> converted =
        make_input_decoder(spec_for(InputFormat::hotline, charset))->decode(gb, kReceivedAt);
    ASSERT_TRUE(converted.ok()) << converted.refusal().message();
    expect_same_case(*converted, *expected);
    const Result<Case> detected =
        make_autodetect_decoder(charset, 1 << 20, GridOptions{})->decode(gb, kReceivedAt);
    ASSERT_TRUE(detected.ok()) << detected.refusal().message();
    expect_same_case(*detected, *expected);
  }
  // Read as UTF-8, the GB bytes are refused at the first Chinese character.
  const Result<Case> as_utf8 =
      make_input_decoder(spec_for(InputFormat::hotline))->decode(gb, kReceivedAt);
  ASSERT_FALSE(as_utf8.ok());
  EXPECT_EQ(as_utf8.refusal().code, RefusalCode::invalid_encoding);
}

struct BadSample {
  const char* file;
  RefusalCode code;
  const char* field;
};

TEST(InputDecoders, EveryBadSampleIsRefusedWithTheExpectedCodeAndField) {
  const BadSample cases[] = {
      {"bad/invalid-utf8.json", RefusalCode::invalid_encoding, ""},
      {"bad/missing-required.json", RefusalCode::missing_field, "callTime"},
      {"bad/not-an-object.json", RefusalCode::not_an_object, ""},
      {"bad/truncated.json", RefusalCode::malformed_json, ""},
      {"bad/wrong-types.json", RefusalCode::wrong_type, "ticketNo"},
  };
  const auto tickets = make_input_decoder(spec_for(InputFormat::hotline));
  const auto detect = make_autodetect_decoder(Charset::utf8, 1 << 20, GridOptions{});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string bytes = testing::read_sample(c.file);
    ASSERT_FALSE(bytes.empty());
    for (InputDecoder* decoder : {tickets.get(), detect.get()}) {
      const Result<Case> r = decoder->decode(bytes, kReceivedAt);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.refusal().code, c.code) << r.refusal().message();
      EXPECT_EQ(r.refusal().field, c.field) << r.refusal().message();
    }
  }
  // The invalid UTF-8 refusal points at the first bad byte of the file.
  const std::string bytes = testing::read_sample("bad/invalid-utf8.json");
  const Result<Case> r = tickets->decode(bytes, kReceivedAt);
  EXPECT_EQ(r.refusal().detail,
            "invalid UTF-8 at byte offset " + std::to_string(bytes.find('\xFF')));
}

TEST(InputDecoders, DocumentLevelRefusals) {
  InputSpec small = spec_for(InputFormat::hotline);
  small.max_bytes = 64;
  const auto decoder = make_input_decoder(small);
  const std::pair<std::string, RefusalCode> cases[] = {
      {"", RefusalCode::empty_input},
      {"\xEF\xBB\xBF", RefusalCode::empty_input},
      {std::string(65, ' '), RefusalCode::too_large},
      {"   ", RefusalCode::malformed_json},
      {"{\"ticketNo\": \"T\"", RefusalCode::malformed_json},
      {"[]", RefusalCode::not_an_object},
      {"{} x", RefusalCode::trailing_data},
      {"{}{}", RefusalCode::trailing_data},
      {"\xEF\xBB\xBF{\"content\": \"\xC3\x28\"}", RefusalCode::invalid_encoding},
  };
  for (const auto& [bytes, code] : cases) {
    const Result<Case> r = decoder->decode(bytes, kReceivedAt);
    ASSERT_FALSE(r.ok()) << bytes;
    EXPECT_EQ(r.refusal().code, code) << r.refusal().message();
  }
  // With the BOM in front, the offset still counts from the first byte received.
  const Result<Case> r = decoder->decode("\xEF\xBB\xBF{\"content\": \"\xC3\x28\"}", kReceivedAt);
  EXPECT_EQ(r.refusal().detail, "invalid UTF-8 at byte offset 16");
}

TEST(InputDecoders, AUtf8ByteOrderMarkIsIgnored) {
  const std::string line = testing::read_sample_lines("hotline-tickets.jsonl").front();
  const auto decoder = make_input_decoder(spec_for(InputFormat::hotline));
  const Result<Case> plain = decoder->decode(line, kReceivedAt);
  const Result<Case> with_bom = decoder->decode("\xEF\xBB\xBF" + line + "\r\n", kReceivedAt);
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(with_bom.ok()) << with_bom.refusal().message();
  expect_same_case(*with_bom, *plain);
}

TEST(InputDecoders, TheGridDecoderUsesTheInputsSeverityMapping) {
  InputSpec spec = spec_for(InputFormat::grid);
  spec.grid.severity_priority[1] = Priority::critical;
  const auto decoder = make_input_decoder(spec);
  const Result<Case> r = decoder->decode(
      R"({"reportId": "R", "gridCode": "64020200200202", "eventType": "安全隐患", "description": "d", "severity": 1})",
      kReceivedAt);
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->priority, Priority::critical);
}

TEST(InputDecoders, AutodetectionReadsMixedLinesAndRefusesGridLikeTickets) {
  const auto detect = make_autodetect_decoder(Charset::utf8, 1 << 20, GridOptions{});
  const std::vector<std::string> tickets = testing::read_sample_lines("hotline-tickets.jsonl");
  const std::vector<std::string> reports = testing::read_sample_lines("grid-reports.jsonl");
  for (std::size_t i = 0; i < tickets.size() && i < reports.size(); ++i) {
    const Result<Case> t = detect->decode(tickets[i], kReceivedAt);
    const Result<Case> g = detect->decode(reports[i], kReceivedAt);
    ASSERT_TRUE(t.ok() && g.ok());
    EXPECT_EQ(t->source, Source::hotline);
    EXPECT_EQ(g->source, Source::grid);
  }
  // A gridCode makes it a grid report, which then lacks its own required fields.
  const Result<Case> r = detect->decode(
      R"({"ticketNo": "T", "gridCode": "64020200200202", "callTime": 1758421320000})", kReceivedAt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::missing_field);
  EXPECT_EQ(r.refusal().field, "reportId");
}

TEST(InputDecoders, ReusingADecoderAcrossSizesGivesTheSameCases) {
  const auto decoder = make_input_decoder(spec_for(InputFormat::hotline));
  const std::vector<std::string> lines = testing::read_sample_lines("hotline-tickets.jsonl");
  std::string huge_content(300000, 'x');
  const std::string huge =
      R"({"ticketNo": "BIG", "callTime": 1758421320000, "appealType": "咨询", "content": ")" +
      huge_content + "\"}";
  std::vector<Case> first;
  for (const std::string& line : lines) first.push_back(*decoder->decode(line, kReceivedAt));
  ASSERT_TRUE(decoder->decode(huge, kReceivedAt).ok());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Result<Case> again = decoder->decode(lines[i], kReceivedAt);
    ASSERT_TRUE(again.ok());
    expect_same_case(*again, first[i]);
  }
}

// Every sample cut short at every byte: refused or (rarely) accepted, never a crash, and no
// refusal quotes the reporter's name or phone.
TEST(InputDecoders, NoRefusalOfACutSampleCarriesPersonalData) {
  const auto detect = make_autodetect_decoder(Charset::utf8, 1 << 20, GridOptions{});
  int checked = 0;
  for (const char* file : {"hotline-tickets.jsonl", "grid-reports.jsonl"}) {
    for (const std::string& line : testing::read_sample_lines(file)) {
      ASSERT_TRUE(detect->decode(line, kReceivedAt).ok());
      // From the raw JSON, since the Case drops an anonymous caller's name.
      simdjson::dom::parser dom;
      const simdjson::dom::element doc = dom.parse(line);
      const simdjson::dom::element person =
          doc.at_key(doc.at_key("caller").error() ? "reporter" : "caller");
      std::string_view name;
      std::string_view phone;
      if (person["name"].get(name) || person["phone"].get(phone))
        continue;  // null: nothing to leak
      ++checked;
      for (std::size_t cut = 0; cut < line.size(); ++cut) {
        const Result<Case> r = detect->decode(std::string_view(line).substr(0, cut), kReceivedAt);
        ASSERT_FALSE(r.ok()) << cut;
        const std::string message = r.refusal().message();
        ASSERT_EQ(message.find(name), std::string::npos) << message;
        ASSERT_EQ(message.find(phone), std::string::npos) << message;
      }
    }
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace gw
