package doctor_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
	"github.com/ccotel/ccotel/internal/otlptest"
)

// TestDoctorNamesMistakesFirstAndFails: OTEL_METRICS_EXPORTERS=otlp (a
// typo) leaves metrics off; the doctor says so first, and fails.
func TestDoctorNamesMistakesFirstAndFails(t *testing.T) {
	r := doctor.Check(context.Background(), doctor.WithoutExports(),
		doctor.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTERS=otlp"}), config.WithoutManagedSettings()))
	if len(r.Mistakes) != 1 || !strings.Contains(r.Mistakes[0], "did you mean OTEL_METRICS_EXPORTER") {
		t.Fatalf("mistakes %q", r.Mistakes)
	}
	if !r.Failed() {
		t.Error("a mistaken variable must fail the report")
	}
	out := r.String()
	if m, tel := strings.Index(out, "OTEL_METRICS_EXPORTERS"), strings.Index(out, "Telemetry:"); m < 0 || m > tel || !strings.Contains(out, "Result: FAILED") {
		t.Errorf("the mistake is not shown first, or the result is not FAILED:\n%s", out)
	}
}

// TestDoctorManagedPreviewAndIgnored: -managed previews a managed file
// without root; what the lock ignored is listed with the managed variable
// that locks it; nothing secret is printed.
func TestDoctorManagedPreviewAndIgnored(t *testing.T) {
	dir := t.TempDir()
	managed := filepath.Join(dir, "managed-settings.json")
	os.WriteFile(managed, []byte(`{"env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp.example", "OTEL_LOG_USER_PROMPTS": "0"}, "otelHeadersHelper": "/corp/helper --token `+canary+`"}`), 0o600)
	r := doctor.Check(context.Background(), doctor.WithoutExports(), doctor.WithManagedPreview(managed),
		doctor.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp",
			"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=https://u:" + canary + "@elsewhere.example/v1/metrics",
			"OTEL_LOG_RAW_API_BODIES=1"})))
	noSecret(t, r)
	got := map[string]string{}
	for _, i := range r.Ignored {
		got[i.Variable] = i.Because
	}
	if got["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] != "OTEL_EXPORTER_OTLP_ENDPOINT" || got["OTEL_LOG_RAW_API_BODIES"] != "OTEL_LOG_USER_PROMPTS=0" {
		t.Errorf("ignored %+v", r.Ignored)
	}
	if r.ManagedPreview != managed || !strings.Contains(r.String(), "locked by managed OTEL_EXPORTER_OTLP_ENDPOINT") || !strings.Contains(r.String(), "previewing "+managed) {
		t.Errorf("report:\n%s", r.String())
	}
	if len(r.Exporters) != 1 || r.Exporters[0].Endpoint != "https://corp.example/v1/metrics" {
		t.Errorf("exporters %+v", r.Exporters)
	}
	js, _ := json.Marshal(r)
	if strings.Contains(string(js), "/corp/helper") {
		t.Errorf("the helper command is printed: %s", js)
	}
}

// TestDoctorChecksTLSFiles: certificate files that are missing, not PEM,
// or a key that does not decrypt fail the report even without exports;
// good files pass.
func TestDoctorChecksTLSFiles(t *testing.T) {
	certs := otlptest.NewCerts(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	base := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_ENDPOINT=https://collector.example:4318"}
	for _, tc := range []struct {
		name    string
		env     []string
		ok      bool
		message string
	}{
		{"good http files", []string{"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "NODE_EXTRA_CA_CERTS=" + certs.CAFile, "CLAUDE_CODE_CLIENT_CERT=" + certs.ClientCertFile, "CLAUDE_CODE_CLIENT_KEY=" + certs.ClientKeyFile}, true, ""},
		{"good grpc files", []string{"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_CERTIFICATE=" + certs.CAFile, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=" + certs.ClientCertFile, "OTEL_EXPORTER_OTLP_CLIENT_KEY=" + certs.ClientKeyFile}, true, ""},
		{"a missing client certificate", []string{"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "CLAUDE_CODE_CLIENT_CERT=" + filepath.Join(dir, "missing.pem"), "CLAUDE_CODE_CLIENT_KEY=" + certs.ClientKeyFile}, false, "CLAUDE_CODE_CLIENT_CERT"},
		{"a CA that is not PEM", []string{"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_CERTIFICATE=" + notPEM}, false, "OTEL_EXPORTER_OTLP_CERTIFICATE"},
		{"a key of another certificate", []string{"OTEL_EXPORTER_OTLP_PROTOCOL=http/json", "CLAUDE_CODE_CLIENT_CERT=" + certs.ClientCertFile, "CLAUDE_CODE_CLIENT_KEY=" + certs.ServerKeyFile}, false, "CLAUDE_CODE_CLIENT_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := doctor.Check(context.Background(), doctor.WithoutExports(), doctor.WithTimeout(10*time.Second),
				doctor.WithLoadOptions(config.WithEnviron(append(append([]string(nil), base...), tc.env...)), config.WithoutManagedSettings()))
			if r.ConfigError != "" {
				t.Fatal(r.ConfigError)
			}
			if len(r.TLSFiles) != 1 {
				t.Fatalf("tls checks %+v", r.TLSFiles)
			}
			f := r.TLSFiles[0]
			if tc.ok != (f.Status == doctor.StatusOK) || r.Failed() == tc.ok || !strings.Contains(f.Error, tc.message) {
				t.Errorf("check %+v, report failed %v", f, r.Failed())
			}
		})
	}
}

// The doctor lists what a project settings file may not set among the
// ignored values, saying why.
func TestDoctorListsProjectIgnored(t *testing.T) {
	project := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(project, []byte(`{"env": {"CLAUDE_CODE_USER_EMAIL": "ceo@example.com", "OTEL_EXPORTER_OTLP_TIMEOUT": "1"}}`), 0o600)
	r := doctor.Check(context.Background(), doctor.WithoutExports(), doctor.WithLoadOptions(config.WithoutManagedSettings(),
		config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}), config.WithProjectSettingsFiles(project)))
	got := map[string]doctor.Ignored{}
	for _, i := range r.Ignored {
		got[i.Variable] = i
	}
	for _, v := range []string{"CLAUDE_CODE_USER_EMAIL", "OTEL_EXPORTER_OTLP_TIMEOUT"} {
		if i, ok := got[v]; !ok || i.File != project || i.Because != "" {
			t.Errorf("%s: %+v", v, r.Ignored)
		}
	}
	if !strings.Contains(r.String(), "CLAUDE_CODE_USER_EMAIL") || !strings.Contains(r.String(), "a project settings file may not set it") {
		t.Errorf("report:\n%s", r.String())
	}
}
