package exporter

import (
	"errors"
	"log"
	"strings"
)

// newStdLogger adapts a log.Logger (as net/http wants for ErrorLog) to the
// error handler, so the server never writes to stderr.
func newStdLogger(report func(error), prefix string) *log.Logger {
	return log.New(reportWriter{report, prefix}, "", 0)
}

type reportWriter struct {
	report func(error)
	prefix string
}

func (w reportWriter) Write(p []byte) (int, error) {
	w.report(errors.New(w.prefix + strings.TrimRight(string(p), "\n")))
	return len(p), nil
}
