package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretMark starts every secret value the fuzz targets below set. The fuzzer
// controls what follows it, never the mark itself, so finding the mark in an
// error or in Describe means a secret value was printed.
const secretMark = "Zq9sEcReTmArK"

// FuzzLoadEveryVariable sets every variable of the table at once through
// WithEnviron: secret ones (headers, keys, passphrases, proxies) to
// secretMark+secret, the others to plain, plus arbitrary "NAME=value" lines
// given to WithEnviron first. Load must not panic, must return either a
// Config or an *Error, and neither the error nor Describe may contain a
// secret value.
func FuzzLoadEveryVariable(f *testing.F) {
	f.Add("1", "Authorization=Bearer%20x", "OTEL_EXPORTER_OTLP_PROTOCOL=grpc\nOTEL_METRICS_EXPORTER=otlp")
	f.Add("otlp,console", "k=%zz,=x,a", "=\n==\nNAME")
	f.Add("http/json", "X-Key=a\x00b", "OTEL_RESOURCE_ATTRIBUTES=a=b,c=%ZZ")
	f.Add("http://[::1", "k=v,,k=w", "CLAUDE_CODE_ENABLE_TELEMETRY=0")
	f.Add("2e3", "\xff\xfe=\x01", "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, plain, secret, environ string) {
		if strings.Contains(plain+environ, secretMark) {
			t.Skip()
		}
		secret = secretMark + secret
		var env []string
		env = append(env, strings.Split(environ, "\n")...)
		for _, v := range Variables {
			if v.SettingsKey || v.Name == "CLAUDE_CODE_ENABLE_TELEMETRY" {
				continue
			}
			if IsSecret(v.Name) {
				env = append(env, v.Name+"="+secret)
			} else {
				env = append(env, v.Name+"="+plain)
			}
		}
		env = append(env, "CLAUDE_CODE_ENABLE_TELEMETRY=1")
		cfg, err := Load(WithEnviron(env), WithoutManagedSettings(), WithVariable(headersHelperKey, plain))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.Contains(err.Error(), secretMark) {
				t.Fatalf("a secret value was printed in the error: %v", err)
			}
		}
		if !cfg.Enabled {
			t.Fatal("CLAUDE_CODE_ENABLE_TELEMETRY=1 came last but telemetry is off")
		}
		if d := fmt.Sprint(cfg.Describe()); strings.Contains(d, secretMark) {
			t.Fatalf("a secret value was printed by Describe:\n%s", d)
		}
		for _, w := range cfg.Warnings {
			if strings.Contains(w.Error(), secretMark) {
				t.Fatalf("a secret value was printed in a warning: %s", w)
			}
		}
	})
}

// FuzzPairs checks the key=value list parser behind OTEL_EXPORTER_OTLP_HEADERS
// and OTEL_RESOURCE_ATTRIBUTES: no panic, no empty key, trimmed keys, and a
// reason never quotes the input.
func FuzzPairs(f *testing.F) {
	for _, s := range []string{"a=b,c=d", "Authorization=Bearer%20tok", "k=%zz", "=v", "novalue", " a = b ,, c=\"q\"", "k=%00", "a%3Db=c", "\xff=\xfe"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, decodeKeys bool) {
		pairs, reasons := parsePairs(s, decodeKeys)
		for _, p := range pairs {
			if p[0] == "" {
				t.Fatalf("empty key from %q", s)
			}
			if !decodeKeys && strings.TrimSpace(p[0]) != p[0] {
				t.Fatalf("untrimmed key %q from %q", p[0], s)
			}
		}
		if len(pairs)+len(reasons) > strings.Count(s, ",")+1 {
			t.Fatalf("%d pairs and %d reasons from %d parts", len(pairs), len(reasons), strings.Count(s, ",")+1)
		}
		for _, r := range reasons {
			if !strings.HasPrefix(r, "pair ") {
				t.Fatalf("reason %q does not name the pair by position", r)
			}
			if len(s) >= 8 && strings.Contains(r, s) {
				t.Fatalf("reason quotes the input: %q", r)
			}
		}
	})
}

// managedEnv mirrors what a settings file contributes: the string values of
// its env object for table variables that files may set. ok is false when
// the file is not a JSON object.
func managedEnv(data []byte) (map[string]string, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil, false
	}
	out := map[string]string{}
	var env map[string]json.RawMessage
	if raw, ok := top["env"]; !ok || json.Unmarshal(raw, &env) != nil {
		return out, true
	}
	for name, raw := range env {
		v, known := variableIndex[name]
		if !known || v.SettingsKey || v.Files == NoFile {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out[name] = s
		}
	}
	return out, true
}

// FuzzSettingsFiles fuzzes the content of a managed settings file, one of
// its drop-ins, a host (user) settings file and a project settings file.
// Load must not panic; managed values always win (every variable a managed
// file sets ends up with the managed value and source); and a secret header
// set in the environment never shows up in the error, Describe or warnings.
func FuzzSettingsFiles(f *testing.F) {
	f.Add([]byte(`{"env":{"OTEL_EXPORTER_OTLP_ENDPOINT":"http://a:4318","OTEL_EXPORTER_OTLP_PROTOCOL":"http/json"}}`),
		[]byte(`{"env":{"OTEL_EXPORTER_OTLP_HEADERS":"k=v"}}`),
		[]byte(`{"env":{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT":"http://b:4318/v1/logs","OTEL_LOGS_EXPORTER":"otlp"}}`),
		[]byte(`{"env":{"OTEL_LOGS_EXPORTER":"none","OTEL_LOG_USER_PROMPTS":"1"}}`))
	f.Add([]byte(`{"env":null,"otelHeadersHelper":1}`), []byte(`[]`), []byte(`{"env":{"CLAUDE_CODE_ACCOUNT_UUID":"x","X":1}}`), []byte(`{"env":"x"}`))
	f.Add([]byte(`{"env":{"OTEL_METRICS_EXPORTER":7}}`), []byte("\xff\xfe"), []byte(`{"env":{"a":"b"},"env":{"OTEL_SERVICE_NAME":"dup"}}`), []byte(``))
	f.Add([]byte(`{"env":{"OTEL_EXPORTER_OTLP_HEADERS":"Authorization=x"}}`), []byte(`{"env":{"OTEL_EXPORTER_OTLP_HEADERS":""}}`), []byte(`{`), []byte(`{"env":{}}`))
	f.Fuzz(func(t *testing.T, mainFile, dropIn, user, project []byte) {
		for _, b := range [][]byte{mainFile, dropIn, user, project} {
			if strings.Contains(string(b), secretMark) {
				t.Skip()
			}
		}
		dir := t.TempDir()
		managedPath := filepath.Join(dir, "managed-settings.json")
		if err := os.MkdirAll(filepath.Join(dir, managedDropInDir), 0o755); err != nil {
			t.Fatal(err)
		}
		write := func(path string, b []byte) {
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write(managedPath, mainFile)
		write(filepath.Join(dir, managedDropInDir, "10-team.json"), dropIn)
		userPath, projectPath := filepath.Join(dir, "user.json"), filepath.Join(dir, "project.json")
		write(userPath, user)
		write(projectPath, project)
		e := env{
			"CLAUDE_CODE_ENABLE_TELEMETRY":      "1",
			"OTEL_EXPORTER_OTLP_HEADERS":        "Authorization=" + secretMark + "env",
			"CLAUDE_CODE_CLIENT_KEY_PASSPHRASE": secretMark + "pass",
		}
		cfg, err := Load(WithGetenv(e.getenv), WithManagedSettingsPath(managedPath), WithSettingsFiles(userPath), WithProjectSettingsFiles(projectPath))
		if err != nil && strings.Contains(err.Error(), secretMark) {
			t.Fatalf("a secret value was printed in the error: %v", err)
		}
		if d := fmt.Sprint(cfg.Describe()); strings.Contains(d, secretMark) {
			t.Fatalf("a secret value was printed by Describe:\n%s", d)
		}
		for _, w := range cfg.Warnings {
			if strings.Contains(w.Error(), secretMark) {
				t.Fatalf("a secret value was printed in a warning: %s", w)
			}
		}
		want := map[string]string{}
		for _, b := range [][]byte{mainFile, dropIn} {
			m, _ := managedEnv(b)
			for k, v := range m {
				want[k] = v
			}
		}
		for name, v := range want {
			if got := cfg.Values[name]; got != Mask(name, v) || cfg.Provenance[name] != SourceManaged {
				t.Fatalf("managed %s=%q overridden: got %q from %s", name, v, got, cfg.Provenance[name])
			}
		}
	})
}
