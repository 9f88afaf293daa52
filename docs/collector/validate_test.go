// Package collector holds the sample Collector configurations of
// docs/COLLECTORS.md; its test validates them with the real Collector.
package collector_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/internal/otelcoltest"
)

// validated are the configurations whose components are all in the
// otelcol-prom test build; the others say "NOT validated" in their header.
var validated = map[string]bool{
	"prometheus-exporter-d2c.yaml":        true,
	"prometheus-exporter-contiguous.yaml": true,
}

// fleet are the configurations of the fleet layout, validated by the otelcol-fleet build (and run by
// e2e/fleet_test.go).
var fleet = map[string]bool{
	"fleet-agent.yaml":         true,
	"fleet-gateway.yaml":       true,
	"fleet-naive-gateway.yaml": true,
	"fleet-lb-agent.yaml":      true,
	"fleet-lb-gateway.yaml":    true,
	// Not a fleet layout, but its components (otlphttp, deltatocumulative) are in that build.
	"prometheus-otlp-receiver.yaml": true,
}

func collector(t *testing.T, path func() (string, error)) string {
	t.Helper()
	bin, err := path()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Collector under CI=true: %v", err)
		}
		t.Skipf("no Collector: %v", err)
	}
	return bin
}

func TestConfigsValidate(t *testing.T) {
	prom := collector(t, func() (string, error) { return otelcoltest.BinaryPath(true) })
	fleetBin := collector(t, otelcoltest.FleetBinaryPath)
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) < 6 {
		t.Fatalf("sample configurations: %v %v", files, err)
	}
	unknown := regexp.MustCompile(`unknown type: "(\w+)"`)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			bin := prom
			if fleet[f] {
				bin = fleetBin
			}
			out, err := exec.Command(bin, "validate", "--config="+f).CombinedOutput()
			if validated[f] || fleet[f] {
				if err != nil {
					t.Fatalf("%s does not validate: %v\n%s", f, err, out)
				}
				if strings.Contains(string(data), "NOT validated") {
					t.Fatalf("%s validates but says it is not validated", f)
				}
				return
			}
			// Not in our build: the file must say so, and the Collector must
			// reject it only for a component it lacks.
			if !strings.Contains(string(data), "NOT validated") {
				t.Fatalf("%s is not validated and does not say so", f)
			}
			if err == nil {
				t.Fatalf("%s validates: add it to the validated list", f)
			}
			if m := unknown.FindStringSubmatch(string(out)); m == nil {
				t.Fatalf("%s fails for another reason than a missing component:\n%s", f, out)
			}
		})
	}
}
