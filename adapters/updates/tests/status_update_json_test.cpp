#include "adapters/updates/status_update_json.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/case_id.h"
#include "gateway/core/time_format.h"

namespace gw::updates {
namespace {

const std::string kCaseId = make_case_id(Source::hotline, "SZS12345-20250921-000001");

// An update as (key, raw JSON value) pairs, so a test can change one field.
using Fields = std::vector<std::pair<std::string, std::string>>;

Fields base_update() {
  return {
      {"updateId", R"("UPD-housing-20250921-0001")"},
      {"caseId", "\"" + kCaseId + "\""},
      {"department", R"("housing")"},
      {"action", R"("sign_for")"},
      {"at", R"("2025-09-21 10:30:00")"},
      {"operator", R"("zhang.wei")"},
      {"note", R"("已签收，安排人员上门。")"},
  };
}

std::string to_json(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ", ";
    out += "\"" + key + "\": " + value;
  }
  return out + "}";
}

// Sets (or adds) key to raw in fields; an empty raw removes the key.
Fields with(Fields fields, const std::string& key, const std::string& raw) {
  bool found = false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first != key) continue;
    found = true;
    if (raw.empty()) {
      fields.erase(it);
    } else {
      it->second = raw;
    }
    break;
  }
  if (!found && !raw.empty()) fields.emplace_back(key, raw);
  return fields;
}

std::string json_string(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The base update with the given action spelling and the fields that action requires.
Fields update_for(UpdateAction action, std::string_view spelling) {
  Fields f = with(base_update(), "action", json_string(spelling));
  switch (action) {
    case UpdateAction::return_misrouted:
      return with(f, "reason", R"("供暖问题应由热力公司处理，非本单位职责。")");
    case UpdateAction::request_extension:
      return with(f, "extendTo", R"("2025-10-10 18:00:00")");
    case UpdateAction::resolve:
      return with(f, "result", R"("已更换井盖，现场恢复通行。")");
    case UpdateAction::callback:
      return with(f, "satisfaction", "4");
    default:
      return f;
  }
}

Fields update_for(UpdateAction action) { return update_for(action, to_string(action)); }

Result<StatusUpdate> parse(const std::string& text) {
  static simdjson::ondemand::parser parser;  // reused, as the decoders do
  const simdjson::padded_string padded(text);
  return parse_status_update(parser, padded);
}

Result<StatusUpdate> parse(const Fields& fields) { return parse(to_json(fields)); }

std::string canonical(const StatusUpdate& u) {
  std::string out;
  append_status_update_json(out, u);
  return out;
}

TEST(UpdateAction, WireSpellingsAreStable) {
  // Written out on the updates topic: changing one breaks every consumer.
  const std::pair<UpdateAction, std::string_view> expected[] = {
      {UpdateAction::sign_for, "sign_for"},
      {UpdateAction::return_misrouted, "return"},
      {UpdateAction::request_extension, "extension_request"},
      {UpdateAction::approve_extension, "extension_approved"},
      {UpdateAction::refuse_extension, "extension_refused"},
      {UpdateAction::suspend, "suspend"},
      {UpdateAction::resume, "resume"},
      {UpdateAction::progress, "progress"},
      {UpdateAction::resolve, "resolve"},
      {UpdateAction::close, "close"},
      {UpdateAction::callback, "callback"},
      {UpdateAction::reopen, "reopen"},
  };
  ASSERT_EQ(std::size(expected), kUpdateActionCount);
  for (const auto& [action, wire] : expected) {
    EXPECT_EQ(to_string(action), wire);
    EXPECT_EQ(update_action_from_string(wire), action) << wire;
  }
}

TEST(UpdateAction, ChineseTermsNameTheirActions) {
  const std::pair<std::string_view, UpdateAction> expected[] = {
      {"签收", UpdateAction::sign_for},
      {"退单", UpdateAction::return_misrouted},
      {"延期申请", UpdateAction::request_extension},
      {"同意延期", UpdateAction::approve_extension},
      {"延期通过", UpdateAction::approve_extension},
      {"不同意延期", UpdateAction::refuse_extension},
      {"延期驳回", UpdateAction::refuse_extension},
      {"挂起", UpdateAction::suspend},
      {"解挂", UpdateAction::resume},
      {"进展", UpdateAction::progress},
      {"办理中", UpdateAction::progress},
      {"办结", UpdateAction::resolve},
      {"处置反馈", UpdateAction::resolve},
      {"结案", UpdateAction::close},
      {"核查结案", UpdateAction::close},
      {"回访", UpdateAction::callback},
      {"重办", UpdateAction::reopen},
      {"重新办理", UpdateAction::reopen},
  };
  for (const auto& [term, action] : expected) {
    EXPECT_EQ(update_action_from_string(term), action) << term;
  }
}

TEST(UpdateAction, OnlyExactSpellingsAreActions) {
  for (std::string_view s :
       {"", "SIGN_FOR", "Sign_For", "sign for", " sign_for", "sign_for ", "return_misrouted",
        "approve_extension", "签收 ", "已签收", "延期", "resolved", "closed"}) {
    EXPECT_EQ(update_action_from_string(s), std::nullopt) << '"' << s << '"';
  }
}

TEST(ParseStatusUpdate, MapsEveryField) {
  Fields f = update_for(UpdateAction::approve_extension, "extension_approved");
  f = with(f, "reason", R"("现场需协调多个部门")");
  f = with(f, "extendTo", R"("2025-10-10T18:00:00+08:00")");
  f = with(f, "result", R"("部分完成")");
  f = with(f, "satisfaction", "5");
  const Result<StatusUpdate> r = parse(f);
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  const StatusUpdate& u = *r;
  EXPECT_EQ(u.update_id, "UPD-housing-20250921-0001");
  EXPECT_EQ(u.case_id, kCaseId);
  EXPECT_EQ(u.department, "housing");
  EXPECT_EQ(u.action, UpdateAction::approve_extension);
  EXPECT_EQ(u.at, *parse_time("2025-09-21 10:30:00"));
  EXPECT_EQ(u.operator_id, "zhang.wei");
  EXPECT_EQ(u.note, "已签收，安排人员上门。");
  EXPECT_EQ(u.reason, "现场需协调多个部门");
  EXPECT_EQ(u.extend_to, parse_time("2025-10-10 18:00:00"));
  EXPECT_EQ(u.result, "部分完成");
  EXPECT_EQ(u.satisfaction, 5);
}

TEST(ParseStatusUpdate, OnlyTheCommonRequiredFieldsAreEnoughForMostActions) {
  const std::string minimal_for[] = {"sign_for",
                                     "extension_approved",
                                     "extension_refused",
                                     "suspend",
                                     "resume",
                                     "progress",
                                     "close",
                                     "reopen"};
  for (const std::string& action : minimal_for) {
    const std::string text = R"({"updateId": "u1", "caseId": ")" + kCaseId +
                             R"(", "department": "d", "action": ")" + action +
                             R"(", "at": 1758421800000})";
    const Result<StatusUpdate> r = parse(text);
    ASSERT_TRUE(r.ok()) << action << ": " << r.refusal().message();
    EXPECT_EQ(to_string(r->action), action);
    EXPECT_EQ(r->at, 1758421800000);
    EXPECT_EQ(r->operator_id, "");
    EXPECT_EQ(r->note, "");
    EXPECT_EQ(r->reason, "");
    EXPECT_FALSE(r->extend_to.has_value());
    EXPECT_EQ(r->result, "");
    EXPECT_FALSE(r->satisfaction.has_value());
  }
}

TEST(ParseStatusUpdate, EveryActionIsReadFromEverySpelling) {
  int spellings = 0;
  for (const UpdateActionNames& names : kUpdateActionNames) {
    for (std::string_view spelling : {names.wire, names.chinese[0], names.chinese[1]}) {
      if (spelling.empty()) continue;
      ++spellings;
      const Result<StatusUpdate> r = parse(update_for(names.action, spelling));
      ASSERT_TRUE(r.ok()) << spelling << ": " << r.refusal().message();
      EXPECT_EQ(r->action, names.action) << spelling;
    }
  }
  EXPECT_EQ(spellings, 12 + 18);
}

TEST(ParseStatusUpdate, EachActionRefusesWithoutWhatItRequires) {
  const std::pair<UpdateAction, std::string> required[] = {
      {UpdateAction::return_misrouted, "reason"},
      {UpdateAction::request_extension, "extendTo"},
      {UpdateAction::resolve, "result"},
      {UpdateAction::callback, "satisfaction"},
  };
  for (const auto& [action, field] : required) {
    const UpdateActionNames& names = kUpdateActionNames[static_cast<std::size_t>(action)];
    for (std::string_view spelling : {names.wire, names.chinese[0]}) {
      for (const char* raw : {"", "null"}) {  // absent, then null
        SCOPED_TRACE(std::string(spelling) + " without " + field + " = " + raw);
        const Result<StatusUpdate> r = parse(with(update_for(action, spelling), field, raw));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.refusal().code, RefusalCode::missing_field) << r.refusal().message();
        EXPECT_EQ(r.refusal().field, field);
        EXPECT_NE(r.refusal().detail.find("absent or null"), std::string::npos)
            << r.refusal().detail;
        EXPECT_NE(r.refusal().detail.find("required when action is " + std::string(names.wire)),
                  std::string::npos)
            << r.refusal().detail;
      }
    }
    // What one action requires, no other action does.
    for (const UpdateActionNames& other : kUpdateActionNames) {
      if (other.action == action) continue;
      const Result<StatusUpdate> r = parse(with(update_for(other.action), field, ""));
      EXPECT_TRUE(r.ok()) << other.wire << " without " << field << ": " << r.refusal().message();
    }
  }
}

TEST(ParseStatusUpdate, FieldsOfOtherActionsAreKept) {
  // A reopen may carry the score that caused it; a suspension or refusal its reason.
  const Result<StatusUpdate> reopen =
      parse(with(update_for(UpdateAction::reopen), "satisfaction", "1"));
  ASSERT_TRUE(reopen.ok()) << reopen.refusal().message();
  EXPECT_EQ(reopen->satisfaction, 1);
  for (UpdateAction action : {UpdateAction::suspend, UpdateAction::refuse_extension}) {
    const Result<StatusUpdate> r =
        parse(with(update_for(action), "reason", R"("等待产权单位答复")"));
    ASSERT_TRUE(r.ok()) << r.refusal().message();
    EXPECT_EQ(r->reason, "等待产权单位答复");
  }
  const Result<StatusUpdate> approved = parse(
      with(update_for(UpdateAction::approve_extension), "extendTo", R"("2025-10-10 18:00:00")"));
  ASSERT_TRUE(approved.ok()) << approved.refusal().message();
  EXPECT_EQ(approved->extend_to, parse_time("2025-10-10 18:00:00"));
}

TEST(ParseStatusUpdate, EveryTimeFormIsAccepted) {
  const EpochMs expected = *parse_time("2025-09-21 10:30:00");
  for (const char* raw :
       {R"("2025-09-21 10:30:00")", R"("2025-09-21T10:30:00")", R"("2025-09-21T10:30:00+08:00")",
        R"("2025-09-21T02:30:00Z")", R"("2025-09-21T10:30:00.000+0800")",
        R"("2025-09-20T21:30:00-05:00")", "1758421800000"}) {
    const Result<StatusUpdate> at = parse(with(base_update(), "at", raw));
    ASSERT_TRUE(at.ok()) << raw << ": " << at.refusal().message();
    EXPECT_EQ(at->at, expected) << raw;
    const Result<StatusUpdate> extend = parse(
        with(with(update_for(UpdateAction::request_extension), "at", R"("2025-09-20 08:00:00")"),
             "extendTo", raw));
    ASSERT_TRUE(extend.ok()) << raw << ": " << extend.refusal().message();
    EXPECT_EQ(extend->extend_to, expected) << raw;
  }
  EXPECT_EQ(expected, 1758421800000);
}

TEST(ParseStatusUpdate, ExtendToMustBeAfterAt) {
  const Fields request = update_for(UpdateAction::request_extension);
  for (const char* raw : {R"("2025-09-21 10:30:00")", R"("2025-09-21T02:30:00Z")",
                          R"("2025-09-20 18:00:00")", "1758421799999"}) {
    SCOPED_TRACE(raw);
    for (UpdateAction action : {UpdateAction::request_extension, UpdateAction::approve_extension}) {
      const Result<StatusUpdate> r = parse(with(update_for(action), "extendTo", raw));
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.refusal().code, RefusalCode::out_of_range);
      EXPECT_EQ(r.refusal().field, "extendTo");
      EXPECT_NE(r.refusal().detail.find("must be after at (2025-09-21T10:30:00+08:00)"),
                std::string::npos)
          << r.refusal().detail;
    }
  }
  // The order of the keys does not matter.
  Fields reordered = with(request, "at", "");
  reordered.emplace_back("at", R"("2025-09-21 10:30:00")");
  EXPECT_TRUE(parse(with(reordered, "extendTo", "1758421800001")).ok());
  reordered = with(reordered, "extendTo", "");
  reordered.insert(reordered.begin(), {"extendTo", R"("2025-09-21 10:29:59")"});
  EXPECT_EQ(parse(reordered).refusal().field, "extendTo");
}

TEST(ParseStatusUpdate, SatisfactionIsAnIntegerFrom1To5) {
  for (int score = 1; score <= 5; ++score) {
    const Result<StatusUpdate> r =
        parse(with(update_for(UpdateAction::callback), "satisfaction", std::to_string(score)));
    ASSERT_TRUE(r.ok()) << score;
    EXPECT_EQ(r->satisfaction, score);
  }
  for (const char* raw : {"0", "6", "-1", "100", "99999999999"}) {
    const Result<StatusUpdate> r =
        parse(with(update_for(UpdateAction::callback), "satisfaction", raw));
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_EQ(r.refusal().code, RefusalCode::out_of_range) << raw;
    EXPECT_EQ(r.refusal().field, "satisfaction");
    EXPECT_EQ(r.refusal().detail, std::string("expected an integer from 1 to 5, found ") + raw);
  }
}

struct Refused {
  std::string key;  // top-level field to replace
  std::string raw;  // its new raw JSON; empty removes it
  RefusalCode code;
  std::string field;
  std::string detail_contains;
};

TEST(ParseStatusUpdate, EveryRefusalNamesTheFieldAndTheProblem) {
  const std::vector<Refused> cases = {
      // Missing: absent or null.
      {"updateId", "", RefusalCode::missing_field, "updateId", "absent or null"},
      {"updateId", "null", RefusalCode::missing_field, "updateId", "absent or null"},
      {"caseId", "", RefusalCode::missing_field, "caseId", ""},
      {"caseId", "null", RefusalCode::missing_field, "caseId", ""},
      {"department", "", RefusalCode::missing_field, "department", ""},
      {"department", "null", RefusalCode::missing_field, "department", ""},
      {"action", "", RefusalCode::missing_field, "action", ""},
      {"action", "null", RefusalCode::missing_field, "action", ""},
      {"at", "", RefusalCode::missing_field, "at", ""},
      {"at", "null", RefusalCode::missing_field, "at", ""},
      // Wrong types: expected vs found.
      {"updateId", "1", RefusalCode::wrong_type, "updateId", "expected string, found number"},
      {"caseId", R"(["x"])", RefusalCode::wrong_type, "caseId", "expected string, found array"},
      {"department", "{}", RefusalCode::wrong_type, "department", "found object"},
      {"action", "3", RefusalCode::wrong_type, "action", "expected string, found number"},
      {"at", "true", RefusalCode::wrong_type, "at", "found boolean"},
      {"operator", "7", RefusalCode::wrong_type, "operator", "expected string, found number"},
      {"note", "[]", RefusalCode::wrong_type, "note", "found array"},
      {"reason", "false", RefusalCode::wrong_type, "reason", "found boolean"},
      {"extendTo", "{}", RefusalCode::wrong_type, "extendTo", "found object"},
      {"result", "1", RefusalCode::wrong_type, "result", "found number"},
      {"satisfaction", R"("5")", RefusalCode::wrong_type, "satisfaction",
       "expected integer, found string"},
      {"satisfaction", "4.5", RefusalCode::wrong_type, "satisfaction", "fraction or exponent"},
      {"satisfaction", "true", RefusalCode::wrong_type, "satisfaction", "found boolean"},
      // Out of range.
      {"updateId", R"("")", RefusalCode::out_of_range, "updateId",
       "expected 1 to 128 bytes, found 0"},
      {"updateId", json_string(std::string(129, 'u')), RefusalCode::out_of_range, "updateId",
       "found 129"},
      {"caseId", R"("")", RefusalCode::out_of_range, "caseId", "expected a case id"},
      {"caseId", R"("SZS12345-20250921-000001")", RefusalCode::out_of_range, "caseId",
       "found \"SZS12345-20250921-000001\""},
      {"caseId", json_string("hl-" + kCaseId.substr(3)), RefusalCode::out_of_range, "caseId", ""},
      {"caseId", json_string("HL-0123456789ABCDEF01234567"), RefusalCode::out_of_range, "caseId",
       ""},
      {"caseId", json_string(kCaseId + "0"), RefusalCode::out_of_range, "caseId", ""},
      {"department", R"("")", RefusalCode::out_of_range, "department",
       "expected 1 to 64 bytes, found 0"},
      {"department", json_string(std::string(65, 'd')), RefusalCode::out_of_range, "department",
       "found 65"},
      {"note", json_string(std::string(4001, 'n')), RefusalCode::out_of_range, "note",
       "expected 0 to 4000 bytes, found 4001"},
      {"action", R"("签收了")", RefusalCode::out_of_range, "action", "found \"签收了\""},
      {"action", R"("signed")", RefusalCode::out_of_range, "action",
       "expected one of sign_for (签收), return (退单), extension_request (延期申请), "
       "extension_approved (同意延期, 延期通过), extension_refused (不同意延期, 延期驳回), "
       "suspend (挂起), resume (解挂), progress (进展, 办理中), resolve (办结, 处置反馈), close "
       "(结案, 核查结案), "
       "callback (回访), reopen (重办, 重新办理); found \"signed\""},
      {"satisfaction", "0", RefusalCode::out_of_range, "satisfaction", "from 1 to 5, found 0"},
      {"satisfaction", "18446744073709551616", RefusalCode::out_of_range, "satisfaction", "64-bit"},
      // Bad times: the accepted forms.
      {"at", R"("yesterday")", RefusalCode::bad_time, "at", "YYYY-MM-DD HH:MM:SS"},
      {"at", R"("2025-02-29 10:00:00")", RefusalCode::bad_time, "at",
       "found \"2025-02-29 10:00:00\""},
      {"at", R"("2025/09/21 10:30")", RefusalCode::bad_time, "at", ""},
      {"at", "0", RefusalCode::bad_time, "at", "accepted range"},
      {"at", "1758421800000.5", RefusalCode::bad_time, "at", "not a 64-bit integer"},
      {"at", R"("2100-01-01T00:00:00Z")", RefusalCode::bad_time, "at", "accepted range"},
      {"extendTo", R"("2025-10-10 24:00:00")", RefusalCode::bad_time, "extendTo", ""},
      // Duplicates and malformed values inside fields.
      {"vendorExtra", R"({"a": tru})", RefusalCode::malformed_json, "vendorExtra.a", "literal"},
      {"vendorExtra", R"({"x": 1, "x": 2})", RefusalCode::malformed_json, "vendorExtra.x",
       "duplicate key"},
      {"note", R"("bad \q escape")", RefusalCode::malformed_json, "note", "escape"},
  };
  for (const Refused& c : cases) {
    SCOPED_TRACE(c.key + " = " + c.raw);
    const Result<StatusUpdate> r = parse(with(base_update(), c.key, c.raw));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.refusal().code, c.code) << r.refusal().message();
    EXPECT_EQ(r.refusal().field, c.field) << r.refusal().message();
    EXPECT_NE(r.refusal().detail.find(c.detail_contains), std::string::npos) << r.refusal().detail;
  }
}

TEST(ParseStatusUpdate, ARequiredTextMustNotBeEmpty) {
  const std::pair<UpdateAction, std::string> required[] = {
      {UpdateAction::return_misrouted, "reason"}, {UpdateAction::resolve, "result"}};
  for (const auto& [action, field] : required) {
    const Result<StatusUpdate> r = parse(with(update_for(action), field, R"("")"));
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.refusal().code, RefusalCode::out_of_range);
    EXPECT_EQ(r.refusal().field, field);
    EXPECT_EQ(r.refusal().detail,
              "must not be empty when action is " + std::string(to_string(action)));
  }
  // Where a text is optional, an empty one is as good as none.
  const Result<StatusUpdate> r = parse(with(update_for(UpdateAction::suspend), "reason", R"("")"));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->reason, "");
}

TEST(ParseStatusUpdate, LimitsAreInclusive) {
  Fields f = with(base_update(), "updateId", json_string(std::string(128, 'u')));
  f = with(f, "department", json_string(std::string(64, 'd')));
  f = with(f, "note", json_string(std::string(4000, 'n')));
  const Result<StatusUpdate> r = parse(f);
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->update_id.size(), 128u);
  EXPECT_EQ(r->department.size(), 64u);
  EXPECT_EQ(r->note.size(), 4000u);
  // Bytes, not characters: 1334 Chinese characters are 4002 bytes.
  std::string long_note;
  for (int i = 0; i < 1334; ++i) long_note += "字";
  EXPECT_EQ(parse(with(base_update(), "note", json_string(long_note))).refusal().code,
            RefusalCode::out_of_range);
}

TEST(ParseStatusUpdate, MissingFieldsAreNamedInTheReferenceOrder) {
  const std::string id = json_string(kCaseId);
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "updateId"},
      {R"({"updateId": "u"})", "caseId"},
      {R"({"updateId": "u", "caseId": )" + id + "}", "department"},
      {R"({"updateId": "u", "caseId": )" + id + R"(, "department": "d"})", "action"},
      {R"({"updateId": "u", "caseId": )" + id + R"(, "department": "d", "action": "退单"})", "at"},
      {R"({"updateId": "u", "caseId": )" + id +
           R"(, "department": "d", "action": "退单", "at": 1758421800000})",
       "reason"},
  };
  for (const auto& [text, field] : cases) {
    const Result<StatusUpdate> r = parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.refusal().field, field) << r.refusal().message();
  }
  // The first problem in document order comes before any missing field.
  const Result<StatusUpdate> r = parse(R"({"note": 1})");
  EXPECT_EQ(r.refusal().code, RefusalCode::wrong_type);
  EXPECT_EQ(r.refusal().field, "note");
}

TEST(ParseStatusUpdate, ExtraFieldsAreIgnored) {
  Fields f = base_update();
  f.emplace_back("schemaVersion", R"("status-update.v1")");
  f.emplace_back("vendorExtra", R"({"nested": [1, {"deep": null}], "flag": true})");
  f.emplace_back("attachments", R"([{"type": "image", "url": "https://x/1.jpg"}])");
  const Result<StatusUpdate> r = parse(f);
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(*r, *parse(base_update()));
}

TEST(ParseStatusUpdate, DuplicateTopLevelKeyIsMalformed) {
  Fields f = base_update();
  f.emplace_back("action", R"("resolve")");
  const Result<StatusUpdate> r = parse(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::malformed_json);
  EXPECT_EQ(r.refusal().field, "action");
  EXPECT_EQ(r.refusal().detail, "duplicate key");
}

TEST(ParseStatusUpdate, DocumentProblems) {
  const std::string good = to_json(base_update());
  struct Problem {
    std::string text;
    RefusalCode code;
    std::string detail_contains;
  };
  const Problem cases[] = {
      {good + " x", RefusalCode::trailing_data, ""},
      {good + "}", RefusalCode::trailing_data, ""},
      {good + good, RefusalCode::trailing_data, ""},
      // A refused field does not hide the trailing bytes.
      {to_json(with(base_update(), "at", R"("soon")")) + " {}", RefusalCode::trailing_data, ""},
      {good.substr(0, good.size() / 2), RefusalCode::malformed_json, ""},
      {R"({"updateId": "u" "caseId": "x"})", RefusalCode::malformed_json, ""},
      {"[" + good + "]", RefusalCode::not_an_object, "found array"},
      {R"("sign_for")", RefusalCode::not_an_object, "found string"},
      {"null", RefusalCode::not_an_object, "found null"},
      {to_json(with(base_update(), "note", "\"\xE5\xB7\"")), RefusalCode::invalid_encoding,
       "byte offset"},
      {to_json(with(base_update(), "operator", "\"\xFF\"")), RefusalCode::invalid_encoding, ""},
      // Zero bytes and a byte-order mark are the intake layer's (empty_input, stripped), as
      // for tickets: here they are not JSON.
      {"", RefusalCode::malformed_json, "no JSON value"},
      {"  \n", RefusalCode::malformed_json, "no JSON value"},
      {"\xEF\xBB\xBF" + good, RefusalCode::malformed_json, ""},
  };
  for (const Problem& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 80));
    const Result<StatusUpdate> r = parse(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.refusal().code, c.code) << r.refusal().message();
    EXPECT_NE(r.refusal().detail.find(c.detail_contains), std::string::npos) << r.refusal().detail;
  }
  EXPECT_TRUE(parse(good + " \n").ok());
  EXPECT_TRUE(parse("\n\t " + good).ok());
}

TEST(ParseStatusUpdate, IntoAReusedUpdateLeavesNothingOfThePreviousOne) {
  simdjson::ondemand::parser parser;
  StatusUpdate u;
  Fields full = update_for(UpdateAction::callback);
  full = with(full, "reason", R"("r")");
  full = with(full, "result", R"("done")");
  const simdjson::padded_string first(to_json(full));
  ASSERT_EQ(parse_status_update_into(parser, first, u), std::nullopt);
  EXPECT_EQ(u.satisfaction, 4);
  const simdjson::padded_string second(
      R"({"updateId": "u2", "caseId": ")" + kCaseId +
      R"(", "department": "d", "action": "progress", "at": 1758421800000})");
  ASSERT_EQ(parse_status_update_into(parser, second, u), std::nullopt);
  StatusUpdate expected;
  expected.update_id = "u2";
  expected.case_id = kCaseId;
  expected.department = "d";
  expected.action = UpdateAction::progress;
  expected.at = 1758421800000;
  EXPECT_EQ(u, expected);
}

TEST(AppendStatusUpdateJson, WritesTheCanonicalForm) {
  StatusUpdate u;
  u.update_id = "UPD-1";
  u.case_id = kCaseId;
  u.department = "housing";
  u.action = UpdateAction::request_extension;
  u.at = *parse_time("2025-09-21 10:30:00");
  u.operator_id = "zhang.wei";
  u.note = "line 1\n\"quoted\" \\ tab\t\x01 字";
  u.reason = "需协调";
  u.extend_to = *parse_time("2025-10-10T18:00:00.250+08:00");
  u.result = "r";
  u.satisfaction = 3;
  EXPECT_EQ(canonical(u),
            R"({"schemaVersion":"status-update.v1","updateId":"UPD-1","caseId":")" + kCaseId +
                R"(","department":"housing","action":"extension_request",)"
                R"("at":"2025-09-21T10:30:00+08:00","operator":"zhang.wei",)"
                R"("note":"line 1\n\"quoted\" \\ tab\t\u0001 字","reason":"需协调",)"
                R"("extendTo":"2025-10-10T18:00:00.250+08:00","result":"r","satisfaction":3})");
}

TEST(AppendStatusUpdateJson, LeavesOutWhatIsAbsent) {
  StatusUpdate u;
  u.update_id = "u";
  u.case_id = kCaseId;
  u.department = "d";
  u.action = UpdateAction::return_misrouted;
  u.at = 1758421800000;
  std::string out = "prefix ";
  append_status_update_json(out, u);
  EXPECT_EQ(out, R"(prefix {"schemaVersion":"status-update.v1","updateId":"u","caseId":")" +
                     kCaseId +
                     R"(","department":"d","action":"return","at":"2025-09-21T10:30:00+08:00"})");
}

TEST(AppendStatusUpdateJson, ParsingTheCanonicalFormGivesTheSameUpdate) {
  std::vector<Fields> inputs;
  for (const UpdateActionNames& names : kUpdateActionNames) {
    inputs.push_back(update_for(names.action, names.chinese[0]));
    Fields everything = update_for(names.action, names.wire);
    everything = with(everything, "at", "1758421800123");
    everything = with(everything, "reason", R"("原因 \"引号\" \\ \n 换行 \u0007 \ud83d\ude00")");
    everything = with(everything, "extendTo", R"("2025-10-10T10:00:00.5Z")");
    everything = with(everything, "result", R"("结果")");
    everything = with(everything, "satisfaction", "2");
    everything = with(everything, "note", R"("</script> \u2028")");
    inputs.push_back(everything);
    inputs.push_back(
        with(with(with(update_for(names.action, names.wire), "operator", ""), "note", ""), "at",
             R"("2000-01-01T00:00:00Z")"));
  }
  for (const Fields& input : inputs) {
    const Result<StatusUpdate> first = parse(input);
    ASSERT_TRUE(first.ok()) << to_json(input) << "\n" << first.refusal().message();
    const std::string written = canonical(*first);
    const Result<StatusUpdate> second = parse(written);
    ASSERT_TRUE(second.ok()) << written << "\n" << second.refusal().message();
    EXPECT_EQ(*second, *first) << written;
    EXPECT_EQ(canonical(*second), written);
  }
}

// ---- schemas/status-update.v1.schema.json, checked by an independent validator (Python
// jsonschema, Debian's python3-jsonschema) the way tests/case_schema_test.cpp does.

std::string source_path(const std::string& relative) {
  return std::string(GW_SOURCE_DIR) + "/" + relative;
}

struct Validation {
  int exit_code;
  std::string output;
};

Validation validate(const std::string& file) {
  const std::string command = "/usr/bin/python3 " + source_path("tests/validate_json.py") + " " +
                              source_path("schemas/status-update.v1.schema.json") + " " + file +
                              " 2>&1";
  Validation v{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return v;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) v.output += buf;
  const int status = pclose(pipe);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return v;
}

// Writes one document a line; returns the file's path.
std::string write_lines(const std::string& name, const std::vector<std::string>& lines) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gw-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
  return path.string();
}

// Inputs the adapter and the schema both accept.
std::vector<std::string> accepted_fixtures() {
  std::vector<std::string> out;
  for (const UpdateActionNames& names : kUpdateActionNames) {
    out.push_back(to_json(update_for(names.action, names.wire)));
    out.push_back(to_json(update_for(names.action, names.chinese[0])));
    if (!names.chinese[1].empty()) {
      out.push_back(to_json(update_for(names.action, names.chinese[1])));
    }
  }
  const Fields request = update_for(UpdateAction::request_extension);
  out.push_back(to_json(with(request, "extendTo", "1760090400000")));
  out.push_back(to_json(with(request, "extendTo", R"("2025-10-10T10:00:00.5Z")")));
  out.push_back(to_json(with(request, "at", R"("2025-09-21T10:30:00+0800")")));
  out.push_back(to_json(with(base_update(), "note", "null")));
  out.push_back(to_json(with(base_update(), "operator", "null")));
  out.push_back(to_json(with(base_update(), "vendorExtra", R"({"any": [1, 2]})")));
  out.push_back(to_json(with(update_for(UpdateAction::suspend), "reason", R"("")")));
  out.push_back(to_json(with(update_for(UpdateAction::reopen), "satisfaction", "1")));
  out.push_back(to_json(with(base_update(), "updateId", json_string(std::string(128, 'u')))));
  out.push_back(R"({"updateId": "u", "caseId": ")" + make_case_id(Source::grid, "R1") +
                R"(", "department": "d", "action": "progress", "at": 1758421800000})");
  return out;
}

// Inputs both refuse.
std::vector<std::string> refused_fixtures() {
  std::vector<std::string> out;
  for (const char* key : {"updateId", "caseId", "department", "action", "at"}) {
    out.push_back(to_json(with(base_update(), key, "")));
    out.push_back(to_json(with(base_update(), key, "null")));
  }
  const std::pair<UpdateAction, std::string> required[] = {
      {UpdateAction::return_misrouted, "reason"},
      {UpdateAction::request_extension, "extendTo"},
      {UpdateAction::resolve, "result"},
      {UpdateAction::callback, "satisfaction"},
  };
  // Every spelling of the action, so the schema's if/then lists are checked against the table.
  for (const auto& [action, field] : required) {
    const UpdateActionNames& names = kUpdateActionNames[static_cast<std::size_t>(action)];
    for (std::string_view spelling : {names.wire, names.chinese[0], names.chinese[1]}) {
      if (spelling.empty()) continue;
      out.push_back(to_json(with(update_for(action, spelling), field, "")));
      out.push_back(to_json(with(update_for(action, spelling), field, "null")));
    }
  }
  out.push_back(to_json(with(update_for(UpdateAction::return_misrouted), "reason", R"("")")));
  out.push_back(to_json(with(update_for(UpdateAction::resolve), "result", R"("")")));
  out.push_back(to_json(with(base_update(), "action", R"("signed")")));
  out.push_back(to_json(with(base_update(), "action", R"("return_misrouted")")));
  out.push_back(to_json(with(base_update(), "updateId", R"("")")));
  out.push_back(to_json(with(base_update(), "updateId", json_string(std::string(129, 'u')))));
  out.push_back(to_json(with(base_update(), "updateId", "7")));
  out.push_back(to_json(with(base_update(), "caseId", R"("SZS12345-20250921-000001")")));
  out.push_back(to_json(with(base_update(), "caseId", json_string("hl-" + kCaseId.substr(3)))));
  out.push_back(to_json(with(base_update(), "department", R"("")")));
  out.push_back(to_json(with(base_update(), "department", json_string(std::string(65, 'd')))));
  out.push_back(to_json(with(base_update(), "note", json_string(std::string(4001, 'n')))));
  out.push_back(to_json(with(base_update(), "note", "5")));
  out.push_back(to_json(with(base_update(), "at", R"("yesterday")")));
  out.push_back(to_json(with(base_update(), "at", R"("2025-09-21 24:00:00")")));
  out.push_back(to_json(with(base_update(), "at", "0")));
  out.push_back(to_json(with(base_update(), "at", "4102444800000")));
  out.push_back(to_json(with(base_update(), "at", R"("2025-09-21T10:30:00+15:00")")));
  for (const char* score : {"0", "6", R"("5")", "4.5"}) {
    out.push_back(to_json(with(update_for(UpdateAction::callback), "satisfaction", score)));
  }
  out.push_back(to_json(with(update_for(UpdateAction::request_extension), "extendTo", "true")));
  out.push_back(R"(["not", "an", "object"])");
  return out;
}

TEST(StatusUpdateSchema, IsAValidDraft202012Schema) {
  std::ifstream in(source_path("schemas/status-update.v1.schema.json"), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  ASSERT_EQ(parser.parse(text).get(schema), simdjson::SUCCESS);
  std::string_view draft;
  ASSERT_EQ(schema["$schema"].get(draft), simdjson::SUCCESS);
  EXPECT_EQ(draft, "https://json-schema.org/draft/2020-12/schema");
  // check_schema runs before any document is validated: a broken schema fails here.
  const Validation v = validate(write_lines("one-update.jsonl", {to_json(base_update())}));
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find("1 documents checked, 0 violations"), std::string::npos) << v.output;
}

TEST(StatusUpdateSchema, ItsActionsAreTheTablesSpellings) {
  std::ifstream in(source_path("schemas/status-update.v1.schema.json"), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  simdjson::dom::parser parser;
  simdjson::dom::array actions;
  ASSERT_EQ(parser.parse(text)["properties"]["action"]["enum"].get(actions), simdjson::SUCCESS);
  std::vector<std::string_view> in_schema;
  for (simdjson::dom::element e : actions) {
    std::string_view s;
    ASSERT_EQ(e.get(s), simdjson::SUCCESS);
    in_schema.push_back(s);
  }
  std::vector<std::string_view> in_table;
  for (const UpdateActionNames& names : kUpdateActionNames) {
    for (std::string_view spelling : {names.wire, names.chinese[0], names.chinese[1]}) {
      if (!spelling.empty()) in_table.push_back(spelling);
    }
  }
  EXPECT_EQ(in_schema, in_table);
}

TEST(StatusUpdateSchema, AcceptsWhatTheAdapterAccepts) {
  const std::vector<std::string> fixtures = accepted_fixtures();
  for (const std::string& f : fixtures) {
    const Result<StatusUpdate> r = parse(f);
    EXPECT_TRUE(r.ok()) << f << "\n" << r.refusal().message();
  }
  const std::string path = write_lines("accepted-updates.jsonl", fixtures);
  const Validation v = validate(path);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find(std::to_string(fixtures.size()) + " documents checked, 0 violations"),
            std::string::npos)
      << v.output;
  std::filesystem::remove(path);
}

TEST(StatusUpdateSchema, RefusesWhatTheAdapterRefuses) {
  const std::vector<std::string> fixtures = refused_fixtures();
  for (const std::string& f : fixtures) {
    EXPECT_FALSE(parse(f).ok()) << f;
  }
  const std::string path = write_lines("refused-updates.jsonl", fixtures);
  const Validation v = validate(path);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find(std::to_string(fixtures.size()) + " documents checked"),
            std::string::npos)
      << v.output;
  // Every line has at least one violation.
  for (std::size_t line = 1; line <= fixtures.size(); ++line) {
    EXPECT_NE(v.output.find(path + ":" + std::to_string(line) + ": "), std::string::npos)
        << "line " << line << " passed the schema: " << fixtures[line - 1] << "\n"
        << v.output;
  }
  std::filesystem::remove(path);
}

TEST(StatusUpdateSchema, TheCanonicalFormIsAValidInput) {
  std::vector<std::string> written;
  for (const std::string& f : accepted_fixtures()) {
    const Result<StatusUpdate> r = parse(f);
    ASSERT_TRUE(r.ok()) << r.refusal().message();
    written.push_back(canonical(*r));
  }
  const std::string path = write_lines("canonical-updates.jsonl", written);
  const Validation v = validate(path);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace gw::updates
