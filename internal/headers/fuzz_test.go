package headers

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzRunOutput runs a helper that prints arbitrary bytes. Run must not panic
// or hang; it succeeds only for a JSON object of string values with valid
// header names and values, at most MaxOutput bytes, giving exactly that
// object, and an error never quotes the output.
func FuzzRunOutput(f *testing.F) {
	for _, s := range []string{
		`{"Authorization":"Bearer s3cret"}`, `{}`, `null`, `[]`, `["s3cret"]`, `{"a":1}`, `"s3cret"`,
		"  {\"k\":\"v\"}\n\n", `{"k":"v"} trailing`, `{"k":"\u0000"}`, "\xff\xfe", `{"a":"b","a":"c"}`, ``,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, out []byte) {
		file, err := os.CreateTemp(dir, "out")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(file.Name())
		if _, err := file.Write(out); err != nil {
			t.Fatal(err)
		}
		file.Close()
		command := "cat " + filepath.Base(file.Name())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // cat ends in milliseconds; a loaded machine may start it late
		defer cancel()
		m, err := run(ctx, dir, command)
		var want map[string]string
		wantErr := len(out) > MaxOutput || json.Unmarshal([]byte(strings.TrimSpace(string(out))), &want) != nil || want == nil
		for k, v := range want {
			wantErr = wantErr || badHeader(k, v) != ""
		}
		switch {
		case err == nil && wantErr:
			t.Fatalf("accepted %q as %v", out, m)
		case err != nil && !wantErr:
			t.Fatalf("rejected %q: %v", out, err)
		case err == nil && !reflect.DeepEqual(m, want):
			t.Fatalf("got %v, want %v", m, want)
		case err != nil && len(strings.TrimSpace(string(out))) >= 6 && strings.Contains(err.Error(), strings.TrimSpace(string(out))):
			t.Fatalf("error quotes the output: %v", err)
		}
	})
}

// run runs command in dir (the helper's working directory is the host's).
func run(ctx context.Context, dir, command string) (map[string]string, error) {
	return Run(ctx, "cd '"+dir+"' && "+command)
}
