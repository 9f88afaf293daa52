package promtest

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseQueryResponseVector(t *testing.T) {
	body := `{"status":"success","data":{"resultType":"vector","result":[
		{"metric":{"__name__":"claude_code_cost_usage_USD_total","user_id":"alice"},"value":[1700000000.5,"0.75"]},
		{"metric":{},"value":[1700000000,"NaN"]}]}}`
	v, err := parseQueryResponse("q", 200, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 2 {
		t.Fatalf("got %d samples", len(v))
	}
	if v[0].Value != 0.75 || v[0].Metric["user_id"] != "alice" || !v[0].Timestamp.Equal(time.Unix(1700000000, 5e8)) {
		t.Errorf("sample 0 = %+v", v[0])
	}
	if !math.IsNaN(v[1].Value) || v[1].Metric == nil {
		t.Errorf("sample 1 = %+v", v[1])
	}
	if !strings.Contains(v.String(), `user_id="alice"} => 0.75`) {
		t.Errorf("String() = %q", v.String())
	}
}

func TestParseQueryResponseScalar(t *testing.T) {
	v, err := parseQueryResponse("q", 200, []byte(`{"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 1 || v[0].Value != 3 || len(v[0].Metric) != 0 || v.Sum() != 3 {
		t.Fatalf("got %+v", v)
	}
}

func TestParseQueryResponseErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"api error", `{"status":"error","errorType":"bad_data","error":"parse error at char 4"}`, "bad_data: parse error"},
		{"not json", `<html>`, "undecodable body"},
		{"matrix", `{"status":"success","data":{"resultType":"matrix","result":[]}}`, `result type "matrix"`},
		{"bad value", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}`, `sample value "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseQueryResponse("q", 400, []byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestScrapeConfig(t *testing.T) {
	got := scrapeConfig([]string{"127.0.0.1:1", "127.0.0.1:2"}, options{interval: time.Second, job: "otelcol"})
	for _, want := range []string{"scrape_interval: 1s", "scrape_timeout: 1s", `job_name: "otelcol"`,
		"honor_labels: false", `targets: ["127.0.0.1:1", "127.0.0.1:2"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

func TestBinaryPathReportsMissingEnvBinary(t *testing.T) {
	t.Setenv("PROMETHEUS_BIN", "/nonexistent/prometheus")
	if _, err := BinaryPath(); err == nil || !strings.Contains(err.Error(), "PROMETHEUS_BIN=/nonexistent/prometheus") {
		t.Fatalf("err = %v", err)
	}
}
