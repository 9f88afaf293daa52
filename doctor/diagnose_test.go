package doctor

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
)

// A port number is not a status code: "127.0.0.1:40177" once read as 401.
func TestDiagnoseIgnoresPortDigits(t *testing.T) {
	for _, port := range []string{"40177", "40300", "40412"} {
		o := config.OTLP{Protocol: config.ProtocolHTTPProtobuf, Endpoint: "http://127.0.0.1:" + port}
		err := fmt.Errorf(`Post "http://127.0.0.1:%s/v1/metrics": net/http: HTTP/1.x transport connection broken: malformed HTTP response "\x00\x00\x06\x04"`, port)
		if r := diagnose(o, err); r.Summary != "OTLP/HTTP spoken to a gRPC port" {
			t.Errorf("port %s: %q", port, r.Summary)
		}
	}
	r := diagnose(config.OTLP{Protocol: config.ProtocolHTTPProtobuf, Endpoint: "http://127.0.0.1:4318"}, errors.New("HTTP 401 Unauthorized"))
	if !strings.Contains(r.Summary, "credentials") {
		t.Errorf("401: %q", r.Summary)
	}
}
