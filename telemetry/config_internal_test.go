package telemetry

import (
	"context"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
)

// TestConfigReadOnly: Config returns the same Config on every call, without
// copying it, and a caller that modifies it changes nothing the handle
// works from.
func TestConfigReadOnly(t *testing.T) {
	tel, err := Start(context.Background(), WithConfig(config.Config{FlushTimeout: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	c := tel.Config()
	if c != tel.Config() {
		t.Error("Config returned a new copy")
	}
	if c.FlushTimeout != time.Second {
		t.Errorf("Config().FlushTimeout = %v, want the configured 1s", c.FlushTimeout)
	}
	c.FlushTimeout = time.Hour
	if tel.cfg.FlushTimeout != time.Second {
		t.Errorf("modifying Config's result changed the handle's flush timeout to %v", tel.cfg.FlushTimeout)
	}
	var none *Telemetry
	if got := none.Config(); got == nil || got.Enabled {
		t.Errorf("a nil Telemetry's Config = %v, want the zero Config", got)
	}
}
