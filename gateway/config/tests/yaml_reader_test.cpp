#include "gateway/config/yaml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "gateway/config/tests/config_error_matchers.h"

namespace gw::config {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// Parses `text` as the file "t.yaml"; the root must parse.
class YamlReaderTest : public testing::Test {
 protected:
  Field parse(std::string_view text) {
    auto root = parse_yaml_document(text, diag_);
    EXPECT_TRUE(root.has_value()) << text;
    return Field::root(root.value_or(YAML::Node()));
  }
  // The value of top-level key `key` of `text`.
  Field value_of(std::string_view text, std::string_view key) {
    auto root = parse(text);
    auto entries = read_map_entries(diag_, root);
    for (auto& entry : entries.value()) {
      if (entry.key == key) return entry.value;
    }
    ADD_FAILURE() << "no key " << key;
    return root;
  }

  Diagnostics diag_{"t.yaml"};
};

TEST(Paths, JoinKeysAndIndexes) {
  EXPECT_EQ(key_path("", "version"), "version");
  EXPECT_EQ(key_path("routes[2]", "to"), "routes[2].to");
  EXPECT_EQ(index_path("routes", 0), "routes[0]");
  EXPECT_EQ(key_path(index_path("routes", 12), "match"), "routes[12].match");
}

TEST(TrimAsciiSpace, DropsOnlyAsciiWhitespaceAtTheEnds) {
  EXPECT_EQ(trim_ascii_space("  噪声 \t\r\n"), "噪声");
  EXPECT_EQ(trim_ascii_space("a b"), "a b");
  EXPECT_EQ(trim_ascii_space(" \t "), "");
  EXPECT_EQ(trim_ascii_space(""), "");
  EXPECT_EQ(trim_ascii_space("\u3000噪声"), "\u3000噪声");  // an ideographic space is kept
}

TEST(PositionOf, ConvertsToOneBased) {
  const SourcePos pos = position_of(YAML::Mark::null_mark(), "f.yaml");
  EXPECT_EQ(pos.file, "f.yaml");
  EXPECT_EQ(pos.line, 0);
  EXPECT_EQ(pos.column, 0);
}

TEST_F(YamlReaderTest, MarksBecomeOneBasedLineAndColumn) {
  const Field routes = value_of("version: 1\nroutes:\n  - to: housing\n", "routes");
  const auto items = read_list(diag_, routes, ListShape::list_only, false).value();
  const auto entries = read_map_entries(diag_, items[0]).value();
  const SourcePos pos = diag_.pos(entries[0].value);
  EXPECT_EQ(pos.file, "t.yaml");
  EXPECT_EQ(pos.line, 3);
  EXPECT_EQ(pos.column, 9);  // "  - to: housing": the value starts at the 9th character
}

TEST_F(YamlReaderTest, ColumnsCountCharactersNotBytes) {
  // yaml-cpp reports the byte column (30 here); editors show the character column.
  Diagnostics diag("t.yaml");
  const auto root = parse_yaml_document("- {name: 向阳社区, code: x}\n", diag).value();
  const auto entries = read_map_entries(diag, Field{root[0], "regions[0]"}).value();
  ASSERT_EQ(entries.size(), 2u);
  const SourcePos pos = diag.pos(entries[1].value);
  EXPECT_EQ(pos.line, 1);
  EXPECT_EQ(pos.column, 22);
}

TEST_F(YamlReaderTest, EmptyValuePointsAtItsKey) {
  const Field to = value_of("routes: 1\nto:\nnext: 2\n", "to");
  const SourcePos pos = diag_.pos(to);
  EXPECT_EQ(pos.line, 2);
  EXPECT_EQ(pos.column, 1);
}

struct SyntaxCase {
  const char* name;
  std::string text;
  ExpectedError expected;
};

class ParseDocumentTest : public testing::TestWithParam<SyntaxCase> {};

TEST_P(ParseDocumentTest, ReportsOneErrorWithPosition) {
  Diagnostics diag("t.yaml");
  EXPECT_FALSE(parse_yaml_document(GetParam().text, diag).has_value());
  EXPECT_THAT(diag.take_errors(), ElementsAre(IsError(GetParam().expected)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseDocumentTest,
    testing::Values(
        SyntaxCase{
            "BadIndentation", "a: 1\n  b: 2\n", {2, 4, "", "YAML syntax error: illegal map value"}},
        SyntaxCase{"UnclosedFlowList",
                   "a: [1, 2\nb: 3\n",
                   {2, 2, "", "YAML syntax error: end of sequence flow not found"}},
        SyntaxCase{
            "TwoColonsOnALine", "a: b: c\n", {1, 5, "", "YAML syntax error: illegal map value"}},
        SyntaxCase{"UndefinedAlias",
                   "a: &x 1\nb: *y\n",
                   {2, 4, "", "YAML syntax error: the referenced anchor is not defined"}},
        SyntaxCase{"ListThenMapping",
                   "- a\nb: 1\n",
                   {2, 1, "", "only one YAML document is allowed; a second one starts here"}},
        SyntaxCase{"Empty", "", {0, 0, "", "the file is empty"}},
        SyntaxCase{"OnlyComments", "# nothing here\n", {0, 0, "", "the file is empty"}},
        SyntaxCase{"TwoDocuments",
                   "a: 1\n---\nb: 2\n",
                   {3, 1, "", "only one YAML document is allowed; a second one starts here"}}),
    [](const auto& info) { return info.param.name; });

TEST(ParseDocument, DeepNestingIsAnErrorNotACrash) {
  Diagnostics diag("t.yaml");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(parse_yaml_document(deep, diag).has_value());
  const auto errors = diag.take_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, testing::StartsWith("YAML syntax error:"));
}

TEST_F(YamlReaderTest, MapReaderRejectsUnknownKeysWithSuggestion) {
  const Field root = parse("code: a\ncatgory: b\ncolour: c\n");
  const MapReader map(diag_, root, {"code", "category"});
  EXPECT_TRUE(map.is_map());
  EXPECT_EQ(map.optional("code")->value.Scalar(), "a");
  EXPECT_FALSE(map.optional("category").has_value());
  EXPECT_THAT(
      diag_.take_errors(),
      ElementsAre(IsError(2, 1, "catgory", "unknown key \"catgory\" (did you mean \"category\"?)"),
                  IsError(3, 1, "colour", "unknown key \"colour\"; known keys: code, category")));
}

TEST_F(YamlReaderTest, MapReaderReportsDuplicateKeys) {
  const Field root = parse("match:\n  kind: 投诉\n  kind: 求助\n");
  const MapReader top(diag_, root, {"match"});
  const MapReader match(diag_, *top.optional("match"), {"kind"});
  EXPECT_EQ(match.optional("kind")->value.Scalar(), "投诉");  // the first one is kept
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(3, 3, "match.kind", "duplicate key \"kind\" (first at line 2)")));
}

TEST_F(YamlReaderTest, MapReaderReportsMissingRequiredKeyAtTheMapping) {
  const Field root = parse("routes:\n  - match: {kind: 投诉}\n");
  const MapReader top(diag_, root, {"routes"});
  const auto items = read_list(diag_, *top.optional("routes"), ListShape::list_only, false).value();
  const MapReader rule(diag_, items[0], {"match", "to"});
  EXPECT_TRUE(rule.required("match").has_value());
  EXPECT_FALSE(rule.required("to").has_value());
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(2, 5, "routes[0].to", "missing required key \"to\"")));
}

TEST_F(YamlReaderTest, MapReaderOnNonMapping) {
  const Field root = parse("match: [a, b]\n");
  const MapReader top(diag_, root, {"match"});
  const MapReader match(diag_, *top.optional("match"), {"kind"});
  EXPECT_FALSE(match.is_map());
  EXPECT_FALSE(match.required("kind").has_value());  // no second error for the same problem
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(1, 8, "match", "expected a mapping, got a list")));
}

TEST_F(YamlReaderTest, NonScalarKeysAreRefused) {
  const Field root = parse("? [a, b]\n: 1\nok: 2\n");
  const auto entries = read_map_entries(diag_, root).value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].key, "ok");
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(1, 3, "", "expected a plain key, got a list")));
}

struct ScalarCase {
  const char* name;
  std::string value_yaml;  // written after "v: "
  std::string expected;    // the value read, or the error message
  bool ok;
};

class ReadStringTest : public YamlReaderTest, public testing::WithParamInterface<ScalarCase> {};

TEST_P(ReadStringTest, ReadsScalarsAsWritten) {
  const Field v = value_of("v: " + GetParam().value_yaml + "\n", "v");
  const auto text = read_nonempty_string(diag_, v, "name");
  const auto errors = diag_.take_errors();
  if (GetParam().ok) {
    EXPECT_EQ(text.value_or("<none>"), GetParam().expected);
    EXPECT_THAT(errors, IsEmpty());
  } else {
    EXPECT_FALSE(text.has_value());
    // An empty value has no position of its own: the error points at its key.
    const bool empty_value = GetParam().expected.ends_with("an empty value");
    EXPECT_THAT(errors, ElementsAre(IsError(1, empty_value ? 1 : 4, "v", GetParam().expected)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReadStringTest,
    testing::Values(ScalarCase{"Plain", "住建局", "住建局", true},
                    ScalarCase{"Quoted", "\"640202001\"", "640202001", true},
                    ScalarCase{"NumberKeepsLeadingZeros", "0640", "0640", true},
                    ScalarCase{"Trimmed", "\"  noise  \"", "noise", true},
                    ScalarCase{"Bool", "true", "true", true},
                    ScalarCase{"EmptyValue", "", "expected a string, got an empty value", false},
                    ScalarCase{"Tilde", "~", "expected a string, got an empty value", false},
                    ScalarCase{"EmptyQuoted", "\"\"", "name must not be empty", false},
                    ScalarCase{"Blank", "\"   \"", "name must not be empty", false},
                    ScalarCase{"List", "[a]", "expected a string, got a list", false},
                    ScalarCase{"Map", "{a: b}", "expected a string, got a mapping", false}),
    [](const auto& info) { return info.param.name; });

TEST_F(YamlReaderTest, LongValuesAreShortenedInMessages) {
  // 30 Chinese characters are 90 bytes; the message shows the first 60 bytes, 20 characters.
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "长";
  EXPECT_FALSE(read_int(diag_, value_of("v: " + long_text + "\n", "v"), 1, 2));
  std::string shown;
  for (int i = 0; i < 20; ++i) shown += "长";
  EXPECT_THAT(
      diag_.take_errors(),
      ElementsAre(IsError(1, 4, "v", "expected an integer from 1 to 2, got \"" + shown + "...\"")));
}

class ReadIntTest : public YamlReaderTest, public testing::WithParamInterface<ScalarCase> {};

TEST_P(ReadIntTest, ReadsDecimalWithinRange) {
  const Field v = value_of("v: " + GetParam().value_yaml + "\n", "v");
  const auto number = read_int(diag_, v, 1, 1000);
  const auto errors = diag_.take_errors();
  if (GetParam().ok) {
    EXPECT_EQ(number, std::stoll(GetParam().expected));
    EXPECT_THAT(errors, IsEmpty());
  } else {
    EXPECT_FALSE(number.has_value());
    EXPECT_THAT(errors, ElementsAre(IsError(1, 4, "v", GetParam().expected)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReadIntTest,
    testing::Values(
        ScalarCase{"Min", "1", "1", true}, ScalarCase{"Max", "1000", "1000", true},
        ScalarCase{"Plus", "+6", "6", true},
        ScalarCase{"BelowMin", "0", "expected an integer from 1 to 1000, got \"0\"", false},
        ScalarCase{"AboveMax", "1001", "expected an integer from 1 to 1000, got \"1001\"", false},
        ScalarCase{"Negative", "-3", "expected an integer from 1 to 1000, got \"-3\"", false},
        ScalarCase{"Huge", "99999999999999999999",
                   "expected an integer from 1 to 1000, got \"99999999999999999999\"", false},
        ScalarCase{"Fraction", "6.5", "expected an integer from 1 to 1000, got \"6.5\"", false},
        ScalarCase{"Text", "six", "expected an integer from 1 to 1000, got \"six\"", false},
        ScalarCase{"Quoted", "\"6\"",
                   "expected an integer from 1 to 1000, got the quoted string \"6\"", false},
        ScalarCase{"List", "[6]", "expected an integer from 1 to 1000, got a list", false}),
    [](const auto& info) { return info.param.name; });

class ReadBoolTest : public YamlReaderTest, public testing::WithParamInterface<ScalarCase> {};

TEST_P(ReadBoolTest, ReadsTrueAndFalse) {
  const Field v = value_of("v: " + GetParam().value_yaml + "\n", "v");
  const auto flag = read_bool(diag_, v);
  const auto errors = diag_.take_errors();
  if (GetParam().ok) {
    EXPECT_EQ(flag, GetParam().expected == "true");
    EXPECT_THAT(errors, IsEmpty());
  } else {
    EXPECT_FALSE(flag.has_value());
    EXPECT_THAT(errors, ElementsAre(IsError(1, 4, "v", GetParam().expected)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReadBoolTest,
    testing::Values(ScalarCase{"True", "true", "true", true},
                    ScalarCase{"TrueCapital", "True", "true", true},
                    ScalarCase{"False", "FALSE", "false", true},
                    ScalarCase{"Yes", "yes", "expected true or false, got \"yes\"", false},
                    ScalarCase{"Quoted", "\"true\"", "expected true or false, got \"true\"", false},
                    ScalarCase{"One", "1", "expected true or false, got \"1\"", false}),
    [](const auto& info) { return info.param.name; });

TEST_F(YamlReaderTest, ListOrSingleAcceptsAScalar) {
  const Field v = value_of("co: street-changsheng\n", "co");
  const auto items = read_list(diag_, v, ListShape::list_or_single, false).value();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].path, "co");
  EXPECT_EQ(items[0].value.Scalar(), "street-changsheng");
}

TEST_F(YamlReaderTest, ListItemsHaveIndexedPaths) {
  const Field v = value_of("co: [a, b]\n", "co");
  const auto items = read_list(diag_, v, ListShape::list_only, false).value();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].path, "co[1]");
  EXPECT_EQ(diag_.pos(items[1]).column, 9);
}

TEST_F(YamlReaderTest, ListErrors) {
  EXPECT_FALSE(read_list(diag_, value_of("a: x\n", "a"), ListShape::list_only, false));
  EXPECT_FALSE(read_list(diag_, value_of("b: []\n", "b"), ListShape::list_or_single, false));
  EXPECT_TRUE(read_list(diag_, value_of("c: []\n", "c"), ListShape::list_only, true));
  EXPECT_FALSE(read_list(diag_, value_of("d: {k: v}\n", "d"), ListShape::list_or_single, false));
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(1, 4, "a", "expected a list, got \"x\""),
                          IsError(1, 4, "b",
                                  "the list is empty: give at least one value or remove the key"),
                          IsError(1, 4, "d", "expected a list or a single value, got a mapping")));
}

TEST_F(YamlReaderTest, StringListKeepsGoodItemsAndReportsBadOnes) {
  const Field v = value_of("keywords: [噪声, \"\", [x], 扰民]\n", "keywords");
  const auto words = read_string_list(diag_, v, "keyword").value();
  EXPECT_THAT(words, ElementsAre("噪声", "扰民"));
  EXPECT_THAT(diag_.take_errors(),
              ElementsAre(IsError(1, 16, "keywords[1]", "keyword must not be empty"),
                          IsError(1, 20, "keywords[2]", "expected a string, got a list")));
}

enum class Level { low, high };
constexpr std::array<EnumSpelling<Level>, 3> kLevels{
    {{"low", Level::low}, {"high", Level::high}, {"高", Level::high}}};

TEST_F(YamlReaderTest, EnumAcceptsEverySpelling) {
  EXPECT_EQ(read_enum<Level>(diag_, value_of("v: high\n", "v"), kLevels), Level::high);
  EXPECT_EQ(read_enum<Level>(diag_, value_of("v: 高\n", "v"), kLevels), Level::high);
  EXPECT_EQ(read_enum<Level>(diag_, value_of("v: low\n", "v"), kLevels), Level::low);
  EXPECT_THAT(diag_.take_errors(), IsEmpty());
}

TEST_F(YamlReaderTest, EnumListsAllowedValuesAndSuggests) {
  EXPECT_FALSE(read_enum<Level>(diag_, value_of("v: hihg\n", "v"), kLevels));
  EXPECT_FALSE(read_enum<Level>(diag_, value_of("w: medium\n", "w"), kLevels));
  EXPECT_THAT(
      diag_.take_errors(),
      ElementsAre(
          IsError(1, 4, "v",
                  "unknown value \"hihg\" (did you mean \"high\"?); allowed: low, high, 高"),
          IsError(1, 4, "w", "unknown value \"medium\"; allowed: low, high, 高")));
}

TEST(Diagnostics, SortsByPositionAndKeepsWarningsApart) {
  Diagnostics diag("t.yaml");
  diag.error(SourcePos{"t.yaml", 5, 1}, "b", "later");
  diag.error(SourcePos{"t.yaml", 2, 7}, "a", "earlier");
  diag.error(SourcePos{"t.yaml", 0, 0}, "", "file");
  diag.warning(SourcePos{"t.yaml", 3, 1}, "w", "just so you know");
  EXPECT_TRUE(diag.has_errors());
  EXPECT_THAT(diag.take_errors(),
              ElementsAre(IsError(0, 0, "", "file"), IsError(2, 7, "a", "earlier"),
                          IsError(5, 1, "b", "later")));
  EXPECT_THAT(diag.take_warnings(), ElementsAre(IsError(3, 1, "w", "just so you know")));
}

TEST(Diagnostics, CapsTheNumberOfErrorsKept) {
  Diagnostics diag("t.yaml");
  for (int i = 0; i < 250; ++i) diag.error(SourcePos{"t.yaml", i + 1, 1}, "x", "bad");
  const auto errors = diag.take_errors();
  ASSERT_EQ(errors.size(), Diagnostics::kMaxErrors + 1);
  EXPECT_EQ(errors.back().message, "50 more errors not shown");
}

TEST(ReadConfigFile, ReadsWholeFile) {
  const std::string path = testing::TempDir() + "/yaml_reader_test.yaml";
  std::ofstream(path) << "version: 1\n";
  Diagnostics diag(path);
  EXPECT_EQ(read_config_file(path, diag).value_or(""), "version: 1\n");
  EXPECT_FALSE(diag.has_errors());
  EXPECT_FALSE(read_config_file(path, diag, 5).has_value());
  EXPECT_THAT(diag.take_errors(), ElementsAre(IsError(0, 0, "", "file is larger than 5 bytes")));
  std::remove(path.c_str());
}

TEST(ReadConfigFile, MissingFileIsOneError) {
  Diagnostics diag("x");
  EXPECT_FALSE(read_config_file("/nonexistent/routes.yaml", diag).has_value());
  const auto errors = diag.take_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.file, "/nonexistent/routes.yaml");
  EXPECT_EQ(errors[0].message, "cannot open: No such file or directory");
}

}  // namespace
}  // namespace gw::config
