package telemetry_test

import (
	"os"

	"github.com/ccotel/ccotel/internal/conformance"
)

func testingInCI() bool { return os.Getenv("CI") != "" }

// compatibilityAllowances are the deliberate differences from Claude Code,
// each listed with its reason in docs/COMPATIBILITY.md.
var compatibilityAllowances = []conformance.Option{}
