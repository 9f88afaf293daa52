package config

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Secret is a configuration value that must never be printed: a header
// value, a key passphrase, a proxy URL, the headers helper command. Every
// way of printing it (fmt verbs, json.Marshal, encoding.TextMarshaler,
// slog) shows [Masked], or nothing when it is empty; [Secret.Reveal]
// returns the value itself, for the code that uses it.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) masked() string {
	if s == "" {
		return ""
	}
	return Masked
}

// String returns Masked, or "" for an empty secret.
func (s Secret) String() string { return s.masked() }

// GoString returns Masked, quoted, or "" for an empty secret.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.masked()) }

// Format prints Masked whatever the verb and flags (%q quotes it).
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.masked())
	case 'v':
		if f.Flag('#') {
			io.WriteString(f, s.GoString())
			return
		}
		io.WriteString(f, s.masked())
	default:
		io.WriteString(f, s.masked())
	}
}

// MarshalJSON returns Masked as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.masked()) }

// MarshalText returns Masked.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.masked()), nil }

// LogValue returns Masked, as slog's LogValuer example for tokens does.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.masked()) }

// MaskURL returns s as it may be printed: the user information of a URL
// (user:password@, or a bare token@) and, in a URL with a scheme, every
// query value (?api_key=, ?token=: where some vendors put keys) and the
// fragment are replaced by Masked; the scheme, host, port, path and query
// keys stay, so the endpoint can still be recognised. It works on text that
// does not parse as a URL too, and on a gRPC host:port without a scheme.
// It is the one masking of endpoints: config errors, Config printing, the
// doctor, export errors and telemetry.DeliveryError all use it.
func MaskURL(s string) string {
	start := 0
	scheme := strings.Index(s, "://")
	if scheme >= 0 {
		start = scheme + 3
	}
	end := len(s)
	if i := strings.IndexAny(s[start:], "/?#"); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(s[start:end], "@"); at >= 0 {
		s = s[:start] + Masked + s[start+at:]
		end = start + len(Masked) + (end - start - at)
	}
	if scheme < 0 {
		return s
	}
	rest := s[end:]
	q := strings.IndexAny(rest, "?#")
	if q < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:end+q])
	rest = rest[q:]
	if query, ok := strings.CutPrefix(rest, "?"); ok {
		query, frag, hasFrag := strings.Cut(query, "#")
		b.WriteByte('?')
		for i, kv := range strings.Split(query, "&") {
			if i > 0 {
				b.WriteByte('&')
			}
			k, v, hasValue := strings.Cut(kv, "=")
			switch {
			case hasValue && v != "":
				b.WriteString(k + "=" + Masked)
			case hasValue:
				b.WriteString(k + "=")
			case k != "":
				b.WriteString(Masked) // a bare ?token
			}
		}
		if !hasFrag {
			return b.String()
		}
		rest = "#" + frag
	}
	b.WriteByte('#')
	if len(rest) > 1 {
		b.WriteString(Masked)
	}
	return b.String()
}

// plainOTLP and plainTraces have the fields of OTLP and TracesConfig and
// none of their methods, so the methods below can print a masked copy.
type (
	plainOTLP   OTLP
	plainTraces TracesConfig
)

func (o OTLP) masked() plainOTLP {
	o.Endpoint = MaskURL(o.Endpoint)
	return plainOTLP(o)
}

// Format prints the OTLP exporter with its endpoint's credentials masked
// (header values and the passphrase are Secrets).
func (o OTLP) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), o.masked())
}

// MarshalJSON encodes the OTLP exporter with its endpoint's credentials
// masked.
func (o OTLP) MarshalJSON() ([]byte, error) { return json.Marshal(o.masked()) }

// LogValue is the OTLP exporter with its endpoint's credentials masked.
func (o OTLP) LogValue() slog.Value { return slog.AnyValue(o.masked()) }

func (t TracesConfig) masked() plainTraces {
	t.DetailedEndpoint = MaskURL(t.DetailedEndpoint)
	return plainTraces(t)
}

// Format prints the traces configuration with the credentials of its
// endpoints masked.
func (t TracesConfig) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), t.masked())
}

// MarshalJSON encodes the traces configuration with the credentials of its
// endpoints masked.
func (t TracesConfig) MarshalJSON() ([]byte, error) { return json.Marshal(t.masked()) }

// LogValue is the traces configuration with its endpoints' credentials
// masked.
func (t TracesConfig) LogValue() slog.Value { return slog.AnyValue(t.masked()) }
