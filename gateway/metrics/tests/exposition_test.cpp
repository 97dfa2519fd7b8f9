#include "gateway/metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gw::metrics {
namespace {

TEST(Exposition, WritesASmallExpositionExactly) {
  Exposition e;
  e.counter("gateway_inputs_total", "Inputs read.", {{"source", "hotline"}, {"via", "http"}}, 3);
  e.gauge("gateway_consumer_lag", "Records behind the partition's end.",
          {{"stage", "intake"}, {"topic", "tickets"}, {"partition", "0"}}, 12);
  e.counter("gateway_duplicates_total", "Cases not routed again.", {}, 0);
  EXPECT_EQ(e.str(),
            "# HELP gateway_inputs_total Inputs read.\n"
            "# TYPE gateway_inputs_total counter\n"
            "gateway_inputs_total{source=\"hotline\",via=\"http\"} 3\n"
            "# HELP gateway_consumer_lag Records behind the partition's end.\n"
            "# TYPE gateway_consumer_lag gauge\n"
            "gateway_consumer_lag{stage=\"intake\",topic=\"tickets\",partition=\"0\"} 12\n"
            "# HELP gateway_duplicates_total Cases not routed again.\n"
            "# TYPE gateway_duplicates_total counter\n"
            "gateway_duplicates_total 0\n");
}

TEST(Exposition, IsEmptyWithoutFamilies) { EXPECT_EQ(Exposition().str(), ""); }

TEST(Exposition, GroupsInterleavedFamiliesInOrderOfFirstAppearance) {
  Exposition e;
  e.counter("a_total", "A.", {{"k", "1"}}, 1);
  e.gauge("b", "B.", {{"k", "1"}}, 2);
  e.counter("a_total", "ignored: the first help is kept", {{"k", "2"}}, 3);
  LatencyHistogram h({1});
  h.observe(0.5);
  e.histogram("c_seconds", "C.", {{"k", "1"}}, h.snapshot());
  e.gauge("b", "B.", {{"k", "2"}}, 4);
  e.counter("a_total", "A.", {{"k", "3"}}, 5);
  e.histogram("c_seconds", "C.", {{"k", "2"}}, h.snapshot());
  EXPECT_EQ(e.str(),
            "# HELP a_total A.\n"
            "# TYPE a_total counter\n"
            "a_total{k=\"1\"} 1\n"
            "a_total{k=\"2\"} 3\n"
            "a_total{k=\"3\"} 5\n"
            "# HELP b B.\n"
            "# TYPE b gauge\n"
            "b{k=\"1\"} 2\n"
            "b{k=\"2\"} 4\n"
            "# HELP c_seconds C.\n"
            "# TYPE c_seconds histogram\n"
            "c_seconds_bucket{k=\"1\",le=\"1\"} 1\n"
            "c_seconds_bucket{k=\"1\",le=\"+Inf\"} 1\n"
            "c_seconds_sum{k=\"1\"} 0.5\n"
            "c_seconds_count{k=\"1\"} 1\n"
            "c_seconds_bucket{k=\"2\",le=\"1\"} 1\n"
            "c_seconds_bucket{k=\"2\",le=\"+Inf\"} 1\n"
            "c_seconds_sum{k=\"2\"} 0.5\n"
            "c_seconds_count{k=\"2\"} 1\n");
}

TEST(Exposition, WritesAHistogramWithCumulativeBucketsSumAndCount) {
  LatencyHistogram h({0.005, 0.1, 1, 2.5});
  for (const double s : {0.001, 0.005, 0.05, 0.75, 0.75, 3.0}) {
    h.observe(s);
  }
  Exposition e;
  e.histogram("gateway_http_request_seconds", "HTTP request time.",
              {{"endpoint", "/v1/webhooks/hotline"}}, h.snapshot());
  EXPECT_EQ(
      e.str(),
      "# HELP gateway_http_request_seconds HTTP request time.\n"
      "# TYPE gateway_http_request_seconds histogram\n"
      "gateway_http_request_seconds_bucket{endpoint=\"/v1/webhooks/hotline\",le=\"0.005\"} 2\n"
      "gateway_http_request_seconds_bucket{endpoint=\"/v1/webhooks/hotline\",le=\"0.1\"} 3\n"
      "gateway_http_request_seconds_bucket{endpoint=\"/v1/webhooks/hotline\",le=\"1\"} 5\n"
      "gateway_http_request_seconds_bucket{endpoint=\"/v1/webhooks/hotline\",le=\"2.5\"} 5\n"
      "gateway_http_request_seconds_bucket{endpoint=\"/v1/webhooks/hotline\",le=\"+Inf\"} 6\n"
      "gateway_http_request_seconds_sum{endpoint=\"/v1/webhooks/hotline\"} 4.556\n"
      "gateway_http_request_seconds_count{endpoint=\"/v1/webhooks/hotline\"} 6\n");
}

TEST(Exposition, WritesAnUnlabelledHistogram) {
  LatencyHistogram h(std::vector<double>{});
  h.observe(2);
  Exposition e;
  e.histogram("x_seconds", "", {}, h.snapshot());
  EXPECT_EQ(e.str(),
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{le=\"+Inf\"} 1\n"
            "x_seconds_sum 2\n"
            "x_seconds_count 1\n");
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  Exposition e;
  e.counter("gateway_dead_letters_total", "Refused inputs.\nBy \"reason\": C:\\path",
            {{"reason", "a\"b\\c\nd"}, {"note", "中文 ok"}}, 1);
  EXPECT_EQ(e.str(),
            "# HELP gateway_dead_letters_total Refused inputs.\\nBy \"reason\": C:\\\\path\n"
            "# TYPE gateway_dead_letters_total counter\n"
            "gateway_dead_letters_total{reason=\"a\\\"b\\\\c\\nd\",note=\"中文 ok\"} 1\n");
  EXPECT_EQ(escape_label_value("\\\"\n"), "\\\\\\\"\\n");
  EXPECT_EQ(escape_label_value("plain\t"), "plain\t");
  EXPECT_EQ(escape_help("say \"hi\"\\\n"), "say \"hi\"\\\\\\n");
}

TEST(Exposition, FormatsNumbersAsPrometheusReadsThem) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-0.0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(1e6), "1000000");
  EXPECT_EQ(format_value(1e20), "100000000000000000000");
  EXPECT_EQ(format_value(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(format_value(18446744073709551615.0), "18446744073709551616");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(0.0025), "0.0025");
  EXPECT_EQ(format_value(-1.5), "-1.5");
  EXPECT_EQ(format_value(1e-7), "1e-07");
  EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_value(kInf), "+Inf");
  EXPECT_EQ(format_value(-kInf), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_EQ(format_value(-std::nan("")), "NaN");
  // Every finite non-integral value reads back exactly.
  for (const double v : {0.001, 1.0 / 3, 123.456, 2.5e-300, 6.02e23}) {
    EXPECT_EQ(std::stod(format_value(v)), v) << format_value(v);
  }
}

TEST(Exposition, WritesSpecialValuesInSamples) {
  Exposition e;
  e.gauge("g", "G.", {{"v", "inf"}}, std::numeric_limits<double>::infinity());
  e.gauge("g", "G.", {{"v", "nan"}}, std::nan(""));
  e.gauge("g", "G.", {{"v", "small"}}, 0.000125);
  EXPECT_EQ(e.str(),
            "# HELP g G.\n"
            "# TYPE g gauge\n"
            "g{v=\"inf\"} +Inf\n"
            "g{v=\"nan\"} NaN\n"
            "g{v=\"small\"} 0.000125\n");
}

TEST(Exposition, RefusesInvalidNames) {
  Exposition e;
  EXPECT_THROW(e.counter("", "", {}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("1abc", "", {}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("a-b", "", {}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("a", "", {{"", "x"}}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("a", "", {{"a:b", "x"}}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("a", "", {{"__name__", "x"}}, 1), std::invalid_argument);
  EXPECT_THROW(e.counter("a", "", {{"k", "x"}, {"k", "y"}}, 1), std::invalid_argument);
  EXPECT_EQ(e.str(), "");  // nothing written by a refused call
  e.counter("ns:a_1", "", {{"_k9", "x"}}, 1);
  EXPECT_EQ(e.str(), "# TYPE ns:a_1 counter\nns:a_1{_k9=\"x\"} 1\n");
}

TEST(Exposition, RefusesWhatWouldMakeTheScrapeInvalid) {
  Exposition e;
  const LatencyHistogram h;
  e.counter("a_total", "A.", {{"k", "1"}}, 1);
  // Another type under the same name.
  EXPECT_THROW(e.gauge("a_total", "A.", {{"k", "2"}}, 1), std::invalid_argument);
  // The same series twice, also with the labels in another order.
  EXPECT_THROW(e.counter("a_total", "A.", {{"k", "1"}}, 2), std::invalid_argument);
  e.counter("b_total", "", {{"x", "1"}, {"y", "2"}}, 1);
  EXPECT_THROW(e.counter("b_total", "", {{"y", "2"}, {"x", "1"}}, 1), std::invalid_argument);
  // A histogram's own le label.
  EXPECT_THROW(e.histogram("h_seconds", "", {{"le", "1"}}, h.snapshot()), std::invalid_argument);
  // Sample names that two families would share.
  e.histogram("h_seconds", "", {}, h.snapshot());
  EXPECT_THROW(e.counter("h_seconds_count", "", {}, 1), std::invalid_argument);
  e.gauge("q_sum", "", {}, 1);
  EXPECT_THROW(e.histogram("q", "", {}, h.snapshot()), std::invalid_argument);
}

TEST(Exposition, HasThePrometheusContentType) {
  EXPECT_EQ(Exposition::kContentType, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace gw::metrics
