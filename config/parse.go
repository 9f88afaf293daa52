package config

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// truthy is Claude Code's "env truthy": 1, true, yes or on, in any case,
// surrounding spaces ignored.
func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// parseInteger reads a whole number the way Claude Code reads numeric
// variables: plain digits, digit separators ("64_000") or scientific
// notation ("2e3"). ok is false for anything else, for fractions and for
// values beyond int64.
func parseInteger(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = stripDigitSeparators(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if !decimalRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// decimalRE is a decimal number, possibly with a fraction and an exponent.
var decimalRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// stripDigitSeparators removes each "_" that sits between two digits.
func stripDigitSeparators(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitList splits a comma list, trimming entries and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parsePairs parses "k=v,k2=v2": split on ",", then on the first "=",
// both sides trimmed and percent-decoded (keys only when decodeKeys). Empty
// pairs are skipped. Reasons never quote the text, which may be secret;
// they name the pair by its position.
func parsePairs(s string, decodeKeys bool) (pairs [][2]string, reasons []string) {
	for i, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, found := strings.Cut(part, "=")
		if !found {
			reasons = append(reasons, fmt.Sprintf("pair %d has no '='", i+1))
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		var err error
		if decodeKeys {
			if k, err = url.PathUnescape(k); err != nil {
				reasons = append(reasons, fmt.Sprintf("pair %d has a bad percent-encoding in its key", i+1))
				continue
			}
		}
		if k == "" {
			reasons = append(reasons, fmt.Sprintf("pair %d has an empty key", i+1))
			continue
		}
		if v, err = url.PathUnescape(v); err != nil {
			reasons = append(reasons, fmt.Sprintf("pair %d has a bad percent-encoding in its value", i+1))
			continue
		}
		pairs = append(pairs, [2]string{k, v})
	}
	return pairs, reasons
}

// validHeaderName reports whether s is an HTTP token (RFC 9110).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c):
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// mergeHeaders merges per-signal headers over generic ones: a per-signal
// header replaces the generic header of the same name (case-insensitive)
// in place; new names are appended. It is linear in the number of headers.
func mergeHeaders(base, over []Header) []Header {
	out := append([]Header(nil), base...)
	index := make(map[string]int, len(out)+len(over))
	for i, h := range out {
		if _, dup := index[strings.ToLower(h.Name)]; !dup {
			index[strings.ToLower(h.Name)] = i
		}
	}
	for _, h := range over {
		key := strings.ToLower(h.Name)
		if i, ok := index[key]; ok {
			out[i].Value = h.Value
			continue
		}
		index[key] = len(out)
		out = append(out, h)
	}
	return out
}

// badHeaderValue returns what is wrong with a header value, or "". CR, LF
// and NUL would split or end the header; the other control characters
// (and DEL) are refused by HTTP/1.1 and HTTP/2 alike. gRPC metadata is
// stricter: printable ASCII only.
func badHeaderValue(v string, grpc bool) string {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\r' || c == '\n' || c == 0:
			return fmt.Sprintf("a header value holds a control character (byte %d is %#02x)", i+1, c)
		case c < 0x20 && c != '\t', c == 0x7f:
			return fmt.Sprintf("a header value holds a control character (byte %d is %#02x)", i+1, c)
		case grpc && (c >= 0x80 || c == '\t'):
			return fmt.Sprintf("a gRPC header value must be printable ASCII (byte %d is %#02x)", i+1, c)
		}
	}
	return ""
}

// validGRPCHeaderName reports whether s is a gRPC metadata key that gRPC
// lets a client send: 0-9 a-z - _ . (upper case is lowered), not grpc-.
func validGRPCHeaderName(s string) bool {
	if s == "" || strings.HasPrefix(strings.ToLower(s), "grpc-") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// checkURL validates an http or https URL with a host, returning it
// trimmed, or a reason.
func checkURL(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil {
		return "", "not a URL"
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return "", "the scheme must be http or https"
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", "the URL has no host"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", "the port is out of range (1 to 65535)"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "", "the port is empty"
	}
	return s, ""
}

// appendSignalPath appends /v1/<signal> to a generic HTTP endpoint, with
// exactly one slash before it.
func appendSignalPath(endpoint string, signal Signal) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/" + string(signal)
	u.RawPath = ""
	return u.String()
}

// traceparentRE is the W3C traceparent of version 00.
var traceparentRE = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`)

// validTraceparent reports whether s is a version-00 W3C traceparent with a
// trace id and a span id that are not all zeros.
func validTraceparent(s string) bool {
	if !traceparentRE.MatchString(s) {
		return false
	}
	return s[3:35] != strings.Repeat("0", 32) && s[36:52] != strings.Repeat("0", 16)
}

// validHostname reports whether s is a DNS name: labels of letters,
// digits, - and _, separated by dots.
func validHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
