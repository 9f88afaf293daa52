package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestConfigPrintsNoSecret loads a configuration holding every kind of
// secret (header values, a passphrase, a proxy with credentials, endpoint
// credentials, the headers helper command) and prints it every way a host
// might: no fmt verb, json.Marshal nor slog shows one.
func TestConfigPrintsNoSecret(t *testing.T) {
	const s = "Zq9TOPSECRET"
	dir := t.TempDir()
	settings := writeFile(t, dir, "s.json", `{"otelHeadersHelper": "/bin/helper --token `+s+`"}`)
	cfg := mustLoad(t, on(env{
		"OTEL_METRICS_EXPORTER":               "otlp",
		"OTEL_LOGS_EXPORTER":                  "otlp",
		"OTEL_TRACES_EXPORTER":                "otlp",
		"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1",
		"OTEL_EXPORTER_OTLP_PROTOCOL":         "http/protobuf",
		"OTEL_EXPORTER_OTLP_ENDPOINT":         "https://user:" + s + "@collector.example:4318",
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":  "https://" + s + "@collector.example/v1/traces",
		"OTEL_EXPORTER_OTLP_HEADERS":          "Authorization=Bearer%20" + s,
		"CLAUDE_CODE_CLIENT_CERT":             "/c.pem",
		"CLAUDE_CODE_CLIENT_KEY":              "/k.pem",
		"CLAUDE_CODE_CLIENT_KEY_PASSPHRASE":   s,
		"HTTPS_PROXY":                         "http://proxyuser:" + s + "@proxy.example:3128",
		"ENABLE_BETA_TRACING_DETAILED":        "1",
		"BETA_TRACING_ENDPOINT":               "https://u:" + s + "@beta.example",
	}), WithSettingsFiles(settings))
	// The values are there, for the code that uses them.
	if !strings.Contains(cfg.Logs.OTLP.Headers[0].Value.Reveal(), s) || cfg.Logs.OTLP.TLS.KeyPassphrase.Reveal() != s || !strings.Contains(cfg.HeadersHelper.Reveal(), s) {
		t.Fatalf("secrets not loaded: %d headers", len(cfg.Logs.OTLP.Headers))
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		outs = append(outs, verb+": "+fmt.Sprintf(verb, cfg))
		outs = append(outs, verb+" (pointer): "+fmt.Sprintf(verb, &cfg))
		outs = append(outs, verb+" (OTLP): "+fmt.Sprintf(verb, cfg.Traces.OTLP))
		outs = append(outs, verb+" (header): "+fmt.Sprintf(verb, cfg.Logs.OTLP.Headers[0]))
		outs = append(outs, verb+" (secret): "+fmt.Sprintf(verb, cfg.Logs.OTLP.TLS.KeyPassphrase))
	}
	outs = append(outs, fmt.Sprint(cfg), fmt.Sprintln(cfg))
	for _, v := range []any{cfg, &cfg, cfg.Traces, cfg.Logs.OTLP, cfg.Logs.OTLP.TLS} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, "json: "+string(b))
	}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("config", "cfg", cfg, "traces", cfg.Traces, "pass", cfg.Logs.OTLP.TLS.KeyPassphrase)
	}
	outs = append(outs, "slog: "+buf.String())
	for _, o := range outs {
		if strings.Contains(o, s) || strings.Contains(o, strings.ToLower(s)) || strings.Contains(o, fmt.Sprintf("%x", s)) || strings.Contains(o, fmt.Sprintf("%X", s)) {
			t.Errorf("secret printed: %.300s", o)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", cfg), "collector.example") {
		t.Error("the masked print lost the endpoints' hosts")
	}
	if got := fmt.Sprintf("%q", Secret("x")); got != `"****"` {
		t.Errorf("%%q of a secret = %s", got)
	}
	if got := fmt.Sprintf("%v", Secret("")); got != "" {
		t.Errorf("an empty secret prints %q", got)
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@host:4318/v1/logs?x=1": "https://****@host:4318/v1/logs?x=****",
		"https://token@host":                    "https://****@host",
		"user:pw@host:4317":                     "****@host:4317",
		"https://host/path@x":                   "https://host/path@x",
		"http://a@b@host/":                      "http://****@host/",
		"not a url":                             "not a url",
		"":                                      "",
		"ht tp://u:p@h":                         "ht tp://****@h",
		"https://host/v1/logs?api_key=SECRET":   "https://host/v1/logs?api_key=****",
		"https://host/v1/logs?token=a&region=eu&empty=": "https://host/v1/logs?token=****&region=****&empty=",
		"https://host?SECRET":                           "https://host?****",
		"https://host/p#SECRET":                         "https://host/p#****",
		"https://u:p@host/p?k=SECRET#SECRET":            "https://****@host/p?k=****#****",
		"https://host/p?":                               "https://host/p?",
		"https://host/p#":                               "https://host/p#",
		"https://host/p?a=b=c":                          "https://host/p?a=****",
	} {
		if got := MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEndpointCredentialsMaskedInErrors: an invalid endpoint's credentials
// are masked in the error, as every value Load quotes.
func TestEndpointCredentialsMaskedInErrors(t *testing.T) {
	_, err := load(t, on(env{"OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://user:Zq9PW@host"}))
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_ENDPOINT", "****@host")
	if strings.Contains(err.Error(), "Zq9PW") {
		t.Errorf("credentials in %v", err)
	}
}
