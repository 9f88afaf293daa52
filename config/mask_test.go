package config

import (
	"strings"
	"testing"
)

func TestIsSecret(t *testing.T) {
	for _, name := range []string{"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE", "CLAUDE_CODE_CLIENT_KEY", "OTEL_EXPORTER_OTLP_CLIENT_KEY", "HTTPS_PROXY", "http_proxy", "MY_API_TOKEN", "some_secret", "DB_PASSWORD"} {
		if !IsSecret(name) {
			t.Errorf("%s not secret", name)
		}
	}
	for _, name := range []string{"OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "NO_PROXY", "CLAUDE_CODE_CLIENT_CERT"} {
		if IsSecret(name) {
			t.Errorf("%s secret", name)
		}
	}
	if Mask("OTEL_EXPORTER_OTLP_HEADERS", "a=b") != Masked || Mask("OTEL_EXPORTER_OTLP_HEADERS", "") != "" || Mask("OTEL_SERVICE_NAME", "x") != "x" {
		t.Error("Mask")
	}
}

// TestSecretsNeverPrinted sets every secret variable of the table to a
// distinctive value in a configuration with many other problems, from the
// environment, a settings file and managed settings, and checks that the
// value appears in no error, warning or Describe line.
func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "Zq9SECRETVALUEzq9"
	e := on(env{
		"OTEL_METRICS_EXPORTER":               "otlp,bogus",
		"OTEL_LOGS_EXPORTER":                  "otlp",
		"OTEL_TRACES_EXPORTER":                "otlp",
		"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1",
		"OTEL_EXPORTER_OTLP_PROTOCOL":         "http/protobuf",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL":  "grpc",
		"TRACEPARENT":                         "bad",
	})
	for _, v := range Variables {
		if v.Secret && !v.SettingsKey {
			// Malformed on purpose, so that every parser complains.
			e[v.Name] = "ftp://" + secret + " no equals %zz"
		}
	}
	dir := t.TempDir()
	file := writeFile(t, dir, "s.json", `{"env": {"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "`+secret+`", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": 5}}`)
	project := writeFile(t, dir, "p.json", `{"env": {"OTEL_EXPORTER_OTLP_HEADERS": "a=`+secret+`"}}`)
	m := managed(t, `{"env": {"OTEL_EXPORTER_OTLP_METRICS_HEADERS": "bad `+secret+`"}}`, nil)
	cfg, err := load(t, e, WithSettingsFiles(file), WithProjectSettingsFiles(project), WithVariable("UNKNOWN_TOKEN", secret), m)
	if err == nil {
		t.Fatal("want an error")
	}
	var printed []string
	printed = append(printed, err.Error())
	printed = append(printed, texts(cfg.Warnings)...)
	for _, s := range cfg.Describe() {
		printed = append(printed, s.Variable+"="+s.Value)
	}
	for _, p := range printed {
		if strings.Contains(p, secret) || strings.Contains(p, "SECRETVALUE") {
			t.Errorf("secret printed: %s", p)
		}
	}
	if !strings.Contains(err.Error(), Masked) {
		t.Errorf("want masked values in %v", err)
	}
	if problems := problemsOf(t, err); len(problems) < 8 {
		t.Errorf("want many problems, got %d:\n%v", len(problems), err)
	}
}

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "s.json", `{"env": {"OTEL_SERVICE_NAME": "svc"}}`)
	cfg := mustLoad(t, on(env{"OTEL_EXPORTER_OTLP_HEADERS": "a=b"}), WithSettingsFiles(file))
	settings := cfg.Describe()
	if len(settings) != len(Variables) {
		t.Fatalf("%d settings for %d variables", len(settings), len(Variables))
	}
	byName := map[string]Setting{}
	for _, s := range settings {
		byName[s.Variable] = s
	}
	if s := byName["OTEL_SERVICE_NAME"]; s.Value != "svc" || s.Source != SourceSettings || s.File != file {
		t.Errorf("%+v", s)
	}
	if s := byName["OTEL_EXPORTER_OTLP_HEADERS"]; s.Value != Masked || s.Source != SourceEnvironment {
		t.Errorf("%+v", s)
	}
	if s := byName["OTEL_METRIC_EXPORT_INTERVAL"]; s.Value != "60000" || s.Source != SourceDefault {
		t.Errorf("%+v", s)
	}
	// Describe works on a disabled Config too.
	cfg = mustLoad(t, env{"OTEL_SERVICE_NAME": "x"})
	for _, s := range cfg.Describe() {
		if s.Variable == "OTEL_SERVICE_NAME" && (s.Value != "x" || s.Source != SourceEnvironment) {
			t.Errorf("%+v", s)
		}
	}
}

func TestLookupVariable(t *testing.T) {
	v, ok := LookupVariable("OTEL_METRIC_EXPORT_INTERVAL")
	if !ok || v.Default != "60000" || v.Secret {
		t.Errorf("%+v %v", v, ok)
	}
	if v, ok := LookupVariable("OTEL_EXPORTER_OTLP_TRACES_HEADERS"); !ok || !v.Secret || v.Files != NotFromProject {
		t.Errorf("%+v %v", v, ok)
	}
	if _, ok := LookupVariable("NOPE"); ok {
		t.Error("unknown variable found")
	}
}
