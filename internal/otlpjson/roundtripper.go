package otlpjson

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Transcoder turns one protobuf Export*ServiceRequest body into OTLP/JSON.
// MetricsToJSON, LogsToJSON and TracesToJSON are Transcoders.
type Transcoder func(pb []byte) ([]byte, error)

// RoundTripper rewrites protobuf OTLP requests to OTLP/JSON before handing
// them to Base. It decompresses a gzip body, transcodes it, compresses it
// again, sets Content-Type: application/json and always sends a
// Content-Length (never chunked encoding). Requests that are not
// application/x-protobuf pass through unchanged.
type RoundTripper struct {
	Base      http.RoundTripper // nil means http.DefaultTransport
	Transcode Transcoder
}

// RoundTrip implements http.RoundTripper.
func (rt *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	base := rt.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if req.Body == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-protobuf") {
		return base.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("otlpjson: reading request body: %w", err)
	}
	gz := strings.EqualFold(req.Header.Get("Content-Encoding"), "gzip")
	if gz {
		if body, err = gunzip(body); err != nil {
			return nil, err
		}
	}
	out, err := rt.Transcode(body)
	if err != nil {
		return nil, err
	}
	if gz {
		if out, err = gzipBytes(out); err != nil {
			return nil, err
		}
	}
	r := req.Clone(req.Context())
	r.Header.Set("Content-Type", "application/json")
	SetBody(r, out)
	return base.RoundTrip(r)
}

// SetBody makes b the body of r with an exact Content-Length, so the
// transport never falls back to chunked transfer encoding, and lets the
// transport replay it on redirects and connection retries.
func SetBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.TransferEncoding = nil
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("otlpjson: gzip body: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("otlpjson: gzip body: %w", err)
	}
	return out, nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
