package exporter

import (
	"bytes"
	"io"
	"net/http"
)

// setBody makes b the body of r with an exact Content-Length, so the
// transport never falls back to chunked transfer encoding (which Azure
// Monitor rejects), and lets the transport replay it on redirects.
func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}
