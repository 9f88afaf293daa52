package otlpjson_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlpjson"
	"google.golang.org/protobuf/proto"
)

// TestConformanceBodies encodes every request Claude Code sent in the
// captures directly and compares it with the protojson-based encoding,
// byte for byte.
func TestConformanceBodies(t *testing.T) {
	n := 0
	for _, v := range []string{"2.1.197", "2.1.330", "2.1.332"} {
		for _, name := range conformance.Scenarios(v) {
			c, err := conformance.Load(v, name)
			if err != nil {
				t.Fatalf("%s/%s: %v", v, name, err)
			}
			for _, r := range c.Requests {
				var m proto.Message
				switch {
				case r.Metrics != nil:
					m = r.Metrics
				case r.Logs != nil:
					m = r.Logs
				default:
					m = r.Traces
				}
				got, err := otlpjson.Marshal(m)
				if err != nil {
					t.Fatalf("%s/%s %s: %v", v, name, r.File, err)
				}
				want, err := otlpjson.MarshalReflect(m)
				if err != nil {
					t.Fatal(err)
				}
				var c bytes.Buffer
				if err := json.Compact(&c, want); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, c.Bytes()) {
					t.Fatalf("%s/%s %s: direct encoding differs:\n got %s\nwant %s", v, name, r.File, got, c.Bytes())
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Skip("no conformance captures found")
	}
	t.Logf("%d captured requests encode identically", n)
}
