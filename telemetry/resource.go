package telemetry

import (
	"os"
	"runtime"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// newResource builds Claude Code's resource: service.name, service.version,
// os.type, os.version, host.arch, wsl.version under WSL, host.name and host.id
// with OTEL_RESOURCE_INCLUDE_HOST, then the OTEL_RESOURCE_ATTRIBUTES pairs,
// which win. It has no schema URL (so it never conflicts when merged) and no
// telemetry.sdk.* or process.* keys, which Claude Code does not send.
func newResource(cfg config.Config, version string) *resource.Resource {
	name := "claude-code"
	for _, a := range cfg.ResourceAttributes {
		switch a.Key {
		case "service.name":
			name = a.Value
		case "service.version":
			version = a.Value // the environment detector is merged last in Claude Code
		}
	}
	if cfg.ServiceName != "" {
		name = cfg.ServiceName
	}
	attrs := []attribute.KeyValue{
		attribute.String("host.arch", runtime.GOARCH),
		attribute.String("os.type", runtime.GOOS),
	}
	if v := osVersion(); v != "" {
		attrs = append(attrs, attribute.String("os.version", v))
	}
	if w := wslVersion(); w != "" {
		attrs = append(attrs, attribute.String("wsl.version", w))
	}
	if cfg.Include.Host {
		if h, err := os.Hostname(); err == nil {
			attrs = append(attrs, attribute.String("host.name", h))
		}
		if id := core.MachineID(); id != "" {
			attrs = append(attrs, attribute.String("host.id", id))
		}
	}
	if cfg.Extensions.ServiceInstanceID {
		attrs = append(attrs, attribute.String("service.instance.id", instanceID())) // OTEL_RESOURCE_ATTRIBUTES wins
	}
	for _, a := range cfg.ResourceAttributes {
		attrs = append(attrs, attribute.String(a.Key, a.Value))
	}
	// Later keys win in a resource, so these two come last.
	attrs = append(attrs,
		attribute.String("service.name", name),
		attribute.String("service.version", version))
	return resource.NewSchemaless(core.Bound(attrs)...)
}

// osVersion is what OpenTelemetry JS's os detector reports: the kernel
// release (uname -r) on Linux and macOS.
func osVersion() string {
	if runtime.GOOS == "linux" {
		if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return unameRelease()
}

// wslVersion is "1" or "2" under Windows Subsystem for Linux, else "".
func wslVersion() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	b, err := os.ReadFile("/proc/version")
	if err != nil {
		return ""
	}
	v := strings.ToLower(string(b))
	switch {
	case strings.Contains(v, "wsl2"):
		return "2"
	case strings.Contains(v, "microsoft"):
		return "1"
	}
	return ""
}
