// Command doctor prints what ccotel's telemetry would do with this
// environment: the effective configuration (secrets masked) and where each
// value came from, what is redacted, the exporters of each signal, and the
// answer of a real test export to each configured OTLP exporter. It exits
// with status 1 when the configuration is invalid or a check failed.
//
//	go run ./examples/doctor [-json] [-settings file.json]... [-timeout 15s]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
)

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	asJSON := flag.Bool("json", false, "print the report as JSON")
	timeout := flag.Duration("timeout", doctor.DefaultTimeout, "bound of each test export")
	var settings files
	flag.Var(&settings, "settings", "a settings file the host reads (repeatable), like ~/.claude/settings.json")
	flag.Parse()

	r := doctor.Check(context.Background(), doctor.WithTimeout(*timeout),
		doctor.WithLoadOptions(config.WithSettingsFiles(settings...)))
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	} else {
		fmt.Print(r.String())
	}
	if r.Failed() {
		os.Exit(1)
	}
}
