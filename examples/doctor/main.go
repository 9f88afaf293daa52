// Command doctor prints what ccotel's telemetry would do with this
// environment: the effective configuration (secrets masked) and where each
// value came from, what is redacted, the exporters of each signal, and the
// answer of a real test export to each configured OTLP exporter. It exits
// with status 1 when the configuration is invalid or a check failed.
//
// Variables that look like ccotel's but are not (a typo) are listed first and
// fail the check; values the managed lock ignored are listed with the managed
// variable that locks them. -managed previews a managed settings file before
// it is installed, without root: it replaces the platform's managed file for
// this check only.
//
//	go run ./examples/doctor [-json] [-settings file.json]... [-managed managed-settings.json] [-timeout 15s]
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
	managed := flag.String("managed", "", "preview this file as the managed settings file (instead of the platform's)")
	flag.Parse()

	opts := []doctor.Option{doctor.WithTimeout(*timeout), doctor.WithLoadOptions(config.WithSettingsFiles(settings...))}
	if *managed != "" {
		opts = append(opts, doctor.WithManagedPreview(*managed))
	}
	r := doctor.Check(context.Background(), opts...)
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
