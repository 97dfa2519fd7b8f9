#include "adapters/json/field_path.h"

#include <gtest/gtest.h>

#include <string>

#include "adapters/json/field_refusals.h"

namespace gw::json {
namespace {

TEST(FieldPath, SpellsKeysAndIndexesLikeTheRefusalsDo) {
  const FieldPath root;
  EXPECT_EQ(root.str(), "");
  const FieldPath caller = root.key("caller");
  EXPECT_EQ(caller.str(), "caller");
  EXPECT_EQ(caller.key("phone").str(), "caller.phone");
  const FieldPath category = root.key("category");
  EXPECT_EQ(category.index(1).str(), "category[1]");
  const FieldPath attachments = root.key("attachments");
  const FieldPath first = attachments.index(0);
  EXPECT_EQ(first.key("url").str(), "attachments[0].url");
  const FieldPath a = root.key("a");
  const FieldPath a2 = a.index(2);
  EXPECT_EQ(a2.index(3).str(), "a[2][3]");
}

TEST(FieldPath, CutsLongKeysAndEscapesControlCharacters) {
  const FieldPath root;
  const std::string long_key(100, 'k');
  EXPECT_EQ(root.key(long_key).str(), std::string(40, 'k') + "...");
  EXPECT_EQ(root.key("a\nb\x01\"").str(), "a\\nb\\u0001\\\"");
}

TEST(QuoteValue, CutsOnACharacterBoundary) {
  EXPECT_EQ(quote_value("投诉"), "\"投诉\"");
  // 14 three-byte characters = 42 bytes: the cut at 40 must not split the 14th.
  const std::string text = "一二三四五六七八九十一二三四";
  EXPECT_EQ(quote_value(text), "\"一二三四五六七八九十一二三...\"");
  EXPECT_EQ(quote_value(std::string(40, 'x')), "\"" + std::string(40, 'x') + "\"");
  EXPECT_EQ(quote_value(std::string(41, 'x')), "\"" + std::string(40, 'x') + "...\"");
  EXPECT_EQ(quote_value("tab\there \\ \x7f"), "\"tab\\there \\\\ \\u007f\"");
}

}  // namespace
}  // namespace gw::json
