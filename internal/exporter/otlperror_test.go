package exporter

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
)

func TestExportErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *ExportError
		want []string
		not  []string
	}{
		{
			name: "whole batch",
			err:  &ExportError{Signal: "logs", Protocol: "http/json", Endpoint: config.MaskURL("https://u:secret@h:4318/v1/logs?api-key=k1"), Items: 7, Rejected: 7, Err: io.EOF},
			want: []string{"logs otlp exporter", "http/json", "https://****@h:4318/v1/logs?api-key=****", "export failed", "7 of 7 events lost", "EOF"},
			not:  []string{"secret", "k1", "u:"},
		},
		{
			name: "partial",
			err:  &ExportError{Signal: "metrics", Protocol: "grpc", Endpoint: config.MaskURL("tok@h:4317"), Items: 10, Rejected: 2, Err: errors.New("bad points")},
			want: []string{"metrics otlp exporter (grpc ****@h:4317)", "partially rejected", "2 of 10 data points lost", "bad points"},
			not:  []string{"tok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(msg, n) {
					t.Errorf("%q leaks %q", msg, n)
				}
			}
			var ee *ExportError
			if !errors.As(error(tt.err), &ee) || !errors.Is(tt.err, tt.err.Err) {
				t.Error("errors.As / errors.Is do not see through ExportError")
			}
		})
	}
}

// A failed export reaches the error handler once, reading signal, exporter,
// protocol, masked endpoint and cause each once: an *ExportError as it is,
// any other error with the exporter named in front.
func TestExportFailureReadsOnce(t *testing.T) {
	endpoint := config.MaskURL("https://u:pw@h:4318/v1/logs?api_key=k1")
	where := where(config.SignalLogs, config.ExporterOTLP, config.OTLP{Protocol: "http/protobuf", Endpoint: "https://u:pw@h:4318/v1/logs?api_key=k1"})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&ExportError{Signal: "logs", Protocol: "http/protobuf", Endpoint: endpoint, Items: 3, Rejected: 3, Err: errors.New("dial tcp h:4318: connect: connection refused")},
			"ccotel: logs otlp exporter (http/protobuf https://****@h:4318/v1/logs?api_key=****): export failed: 3 of 3 events lost: dial tcp h:4318: connect: connection refused"},
		{&ExportError{Signal: "logs", Protocol: "http/protobuf", Endpoint: endpoint, Items: 3, Rejected: 1, Err: errors.New("1 record too large")},
			"ccotel: logs otlp exporter (http/protobuf https://****@h:4318/v1/logs?api_key=****): export partially rejected: 1 of 3 events lost: 1 record too large"},
		{context.DeadlineExceeded,
			"ccotel: logs otlp exporter (http/protobuf https://****@h:4318/v1/logs?api_key=****): export failed: context deadline exceeded"},
	} {
		var got []error
		d := newTally(config.SignalLogs, config.ExporterOTLP, endpoint, where, "events", 8, func(err error) { got = append(got, err) })
		d.settle(3, 0, tc.err)
		if len(got) != 1 || got[0].Error() != tc.want {
			t.Errorf("reported %q\nwant     %q", got, tc.want)
		}
		var ee *ExportError
		if _, typed := tc.err.(*ExportError); typed && !errors.As(got[0], &ee) {
			t.Errorf("%v: not an *ExportError for errors.As", got[0])
		}
	}
}
