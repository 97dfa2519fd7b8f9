#include "gateway/pipeline/case_book.h"

#include <gtest/gtest.h>

#include <random>

#include "gateway/core/case_id.h"

namespace gw {
namespace {

CaseState open_case(std::string_view ref, EpochMs due) {
  CaseState s;
  s.case_id = make_case_id(Source::hotline, ref);
  s.lead = "housing";
  StageClock clock;
  clock.stage = SlaStage::sign_for;
  clock.deadline.start = 0;
  clock.deadline.due = due;
  s.clocks.push_back(clock);
  return s;
}

void put(CaseBook& book, std::int32_t partition, const CaseState& s) {
  book.put(partition, s, encode_case_state(s));
}

TEST(PackedCaseId, PacksAndUnpacksEveryCaseIdLosslessly) {
  for (Source source : {Source::hotline, Source::grid}) {
    for (const char* ref : {"a", "12345-2025-000001", "你好"}) {
      const std::string id = make_case_id(source, ref);
      const auto packed = pack_case_id(id);
      ASSERT_TRUE(packed) << id;
      EXPECT_EQ(unpack_case_id(*packed), id);
    }
  }
  EXPECT_FALSE(pack_case_id("HL-nothex"));
}

TEST(CaseBook, ATimerIsDueAtItsInstantAndConsumedWhenTaken) {
  CaseBook book;
  const CaseState s = open_case("t1", 1000);
  put(book, 2, s);
  EXPECT_EQ(book.size(), 1u);
  EXPECT_EQ(book.size(2), 1u);
  EXPECT_EQ(book.timed(), 1u);
  EXPECT_EQ(book.next_due(), 1000);
  EXPECT_TRUE(book.take_due(999).empty());
  const auto due = book.take_due(1000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], (CaseBook::DueCase{2, s.case_id}));
  EXPECT_EQ(book.timed(), 0u);
  EXPECT_FALSE(book.next_due());
  EXPECT_TRUE(book.take_due(5000).empty());
  // Still tracked: the state stays until removed.
  ASSERT_NE(book.find(s.case_id), nullptr);
  EXPECT_EQ(*book.find(s.case_id), encode_case_state(s));
  EXPECT_EQ(book.partition_of(s.case_id), 2);
}

TEST(CaseBook, ANewStateMovesTheTimerAndTheOldInstantNeverFires) {
  CaseBook book;
  CaseState s = open_case("t1", 1000);
  put(book, 0, s);
  s.clocks[0].deadline.due = 3000;  // an extension
  put(book, 0, s);
  EXPECT_EQ(book.timed(), 1u);
  EXPECT_EQ(book.next_due(), 3000);
  EXPECT_TRUE(book.take_due(2000).empty());
  s.clocks[0].breached = true;  // fired: no timer left (no escalation tiers)
  put(book, 0, s);
  EXPECT_EQ(book.timed(), 0u);
  EXPECT_TRUE(book.take_due(10000).empty());
}

TEST(CaseBook, RemovedAndForgottenCasesNeverFire) {
  CaseBook book;
  const CaseState a = open_case("a", 100);
  const CaseState b = open_case("b", 200);
  const CaseState c = open_case("c", 300);
  put(book, 0, a);
  put(book, 1, b);
  put(book, 1, c);
  book.remove(a.case_id);
  EXPECT_EQ(book.find(a.case_id), nullptr);
  book.forget(1);
  EXPECT_EQ(book.size(), 0u);
  EXPECT_EQ(book.size(1), 0u);
  EXPECT_EQ(book.timed(), 0u);
  EXPECT_TRUE(book.take_due(1000).empty());
  // Slots are reused.
  put(book, 3, b);
  ASSERT_EQ(book.take_due(1000).size(), 1u);
}

TEST(CaseBook, RestoreDecodesAndRefusesWhatIsNotAState) {
  CaseBook book;
  const CaseState s = open_case("r", 700);
  EXPECT_FALSE(book.restore(4, s.case_id, encode_case_state(s)));
  EXPECT_EQ(book.next_due(), 700);
  const auto garbage = book.restore(4, s.case_id, "{\"caseId\":1}");
  ASSERT_TRUE(garbage);
  const CaseState other = open_case("other", 1);
  const auto wrong_key = book.restore(4, s.case_id, encode_case_state(other));
  ASSERT_TRUE(wrong_key);
  EXPECT_EQ(wrong_key->field, "caseId");
  EXPECT_EQ(book.size(), 1u);
}

TEST(CaseBook, ManyTimersComeOutInOrderWhateverTheChurn) {
  CaseBook book;
  std::mt19937 rng(7);
  std::uniform_int_distribution<EpochMs> instant(1, 1'000'000);
  std::vector<CaseState> states;
  for (int i = 0; i < 2000; ++i) {
    states.push_back(open_case("m" + std::to_string(i), instant(rng)));
    put(book, i % 6, states.back());
  }
  // Move half of them (stale heap items), remove a tenth.
  for (int i = 0; i < 2000; i += 2) {
    states[i].clocks[0].deadline.due = instant(rng);
    put(book, i % 6, states[i]);
  }
  std::size_t removed = 0;
  for (int i = 0; i < 2000; i += 10) {
    book.remove(states[i].case_id);
    ++removed;
  }
  EXPECT_EQ(book.timed(), 2000 - removed);
  EpochMs last = 0;
  std::size_t fired = 0;
  for (EpochMs now = 0; now <= 1'000'000; now += 5000) {
    for (const CaseBook::DueCase& d : book.take_due(now)) {
      const auto state = decode_case_state(*book.find(d.case_id));
      ASSERT_TRUE(state);
      const EpochMs due = state->clocks[0].deadline.due;
      EXPECT_LE(due, now);
      EXPECT_GT(due, now - 5000);
      EXPECT_GE(due, last - 5000);
      last = due;
      ++fired;
    }
  }
  EXPECT_EQ(fired, 2000 - removed);
  EXPECT_GT(book.approximate_bytes(), 2000u * 200);
}

TEST(CaseBook, TakeDueHonoursItsLimit) {
  CaseBook book;
  for (int i = 0; i < 10; ++i) put(book, 0, open_case("l" + std::to_string(i), 10));
  EXPECT_EQ(book.take_due(10, 4).size(), 4u);
  EXPECT_EQ(book.take_due(10).size(), 6u);
}

}  // namespace
}  // namespace gw
