package doctor

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/ccotel/ccotel/config"
)

// scrubber removes secret values from every string of a Report: the values
// of static and dynamic headers, of every secret variable, and proxy
// credentials, whatever an exporter or receiver echoed back.
type scrubber struct {
	mu      sync.Mutex
	secrets map[string]struct{}
}

func newScrubber(cfg config.Config) *scrubber {
	s := &scrubber{secrets: map[string]struct{}{}}
	for _, o := range []config.OTLP{cfg.Metrics.OTLP, cfg.Logs.OTLP, cfg.Traces.OTLP} {
		for _, h := range o.Headers {
			s.add(h.Value.Reveal())
		}
		s.add(o.TLS.KeyPassphrase.Reveal())
		s.addURL(o.TLS.ProxyURL.Reveal())
		s.addURL(o.Endpoint)
	}
	s.addURL(cfg.Traces.DetailedEndpoint)
	s.add(cfg.HeadersHelper.Reveal())
	for _, sec := range cfg.Secrets {
		v := sec.Reveal()
		s.add(v)
		s.addURL(v)
		for _, kv := range strings.Split(v, ",") { // header lists: each value on its own
			if _, val, ok := strings.Cut(kv, "="); ok {
				s.add(val)
				if dec, err := url.QueryUnescape(val); err == nil {
					s.add(dec)
				}
			}
		}
	}
	for _, v := range cfg.Values { // masked already, but a URL's credentials may be echoed alone
		s.addURL(v)
	}
	return s
}

// addURL adds the credentials of a URL: the whole user information, the
// password on its own and the query values (config.MaskURL masks the same),
// in case an exporter or receiver echoes them.
func (s *scrubber) addURL(v string) {
	u, err := url.Parse(v)
	if err != nil {
		return
	}
	if u.User != nil {
		s.add(u.User.String())
		s.add(u.User.Username())
		p, _ := u.User.Password()
		s.add(p)
	}
	for _, vals := range u.Query() {
		for _, q := range vals {
			s.add(q)
		}
	}
	s.add(u.Fragment)
}

func (s *scrubber) add(v string) {
	v = strings.TrimSpace(v)
	if len(v) < 4 { // too short to mask without mangling ordinary text
		return
	}
	s.mu.Lock()
	s.secrets[v] = struct{}{}
	s.mu.Unlock()
}

func (s *scrubber) addMap(m map[string]string) {
	for _, v := range m {
		s.add(v)
		// "Bearer <token>": the token may be echoed without its scheme.
		if _, tok, ok := strings.Cut(v, " "); ok {
			s.add(tok)
		}
	}
}

func (s *scrubber) scrub(v string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]string, 0, len(s.secrets))
	for k := range s.secrets {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, k := range list {
		v = strings.ReplaceAll(v, k, config.Masked)
	}
	return v
}

func (s *scrubber) result(r *Result) {
	r.Summary, r.Error, r.Hint = s.scrub(r.Summary), s.scrub(r.Error), s.scrub(r.Hint)
}

// report scrubs every free-text field.
func (s *scrubber) report(r Report) Report {
	r.ConfigError = s.scrub(r.ConfigError)
	for i := range r.Settings {
		r.Settings[i].Value = s.scrub(r.Settings[i].Value)
	}
	for _, list := range [][]string{r.Warnings, r.Mistakes} {
		for i := range list {
			list[i] = s.scrub(list[i])
		}
	}
	for i := range r.Ignored {
		r.Ignored[i].Why = s.scrub(r.Ignored[i].Why)
	}
	for i := range r.TLSFiles {
		s.result(&r.TLSFiles[i])
	}
	for i := range r.Exporters {
		e := &r.Exporters[i]
		e.Endpoint, e.TLS = s.scrub(e.Endpoint), s.scrub(e.TLS)
		s.result(&e.Check)
	}
	if r.HeadersHelper != nil {
		s.result(r.HeadersHelper)
	}
	return r
}

// String renders the report as aligned plain text.
func (r Report) String() string {
	var b strings.Builder
	b.WriteString("ccotel telemetry doctor\n\n")
	if len(r.Mistakes) > 0 {
		b.WriteString("Mistakes (these variables are not ccotel's, so the setting meant is not in effect):\n")
		for _, m := range r.Mistakes {
			fmt.Fprintf(&b, "  %s\n", oneLine(m))
		}
		b.WriteString("\n")
	}
	if r.ManagedPreview != "" {
		fmt.Fprintf(&b, "Managed settings: previewing %s (not the platform's file)\n", r.ManagedPreview)
	}
	if r.Enabled {
		b.WriteString("Telemetry: enabled\n")
	} else {
		b.WriteString("Telemetry: disabled (CLAUDE_CODE_ENABLE_TELEMETRY is not 1, true, yes or on): nothing is exported\n")
	}
	if r.ConfigError != "" {
		fmt.Fprintf(&b, "\nConfiguration errors (telemetry.Start would fail):\n%s\n", indent(r.ConfigError, "  "))
	}

	b.WriteString("\nConfiguration\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tVALUE\tSOURCE")
	for _, s := range r.Settings {
		v := s.Value
		if v == "" {
			v = "(unset)"
		}
		src := string(s.Source)
		if s.File != "" {
			src += " " + s.File
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Variable, oneLine(v), src)
	}
	tw.Flush()

	if len(r.Ignored) > 0 {
		b.WriteString("\nIgnored\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, i := range r.Ignored {
			src := string(i.Source)
			if i.File != "" {
				src = i.File
			}
			why := "locked by managed " + i.Because
			if i.Because == "" {
				why = "a project settings file may not set it"
			}
			fmt.Fprintf(tw, "  %s\tfrom %s\t%s\n", i.Variable, src, why)
		}
		tw.Flush()
	}

	if len(r.Redaction) > 0 {
		b.WriteString("\nPrivacy\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, p := range r.Redaction {
			fmt.Fprintf(tw, "  %s\t%s\n", p.Variable, p.Effect)
		}
		tw.Flush()
	}

	if len(r.TLSFiles) > 0 {
		b.WriteString("\nCertificate files\n")
		for _, f := range r.TLSFiles {
			writeResult(&b, f)
		}
	}

	if r.HeadersHelper != nil {
		b.WriteString("\nHeaders helper\n")
		writeResult(&b, *r.HeadersHelper)
	}

	if r.Enabled {
		b.WriteString("\nExporters\n")
		if len(r.Exporters) == 0 {
			b.WriteString("  none: OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER select nothing\n")
		}
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, e := range r.Exporters {
			line := fmt.Sprintf("  %s\t%s\t%s\t%s\t%s", e.Signal, e.Kind, dash(e.Protocol), dash(e.Endpoint), dash(e.TLS))
			if len(e.Headers) > 0 {
				line += "\theaders: " + strings.Join(e.Headers, ", ")
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
		if len(r.Exporters) > 0 {
			b.WriteString("\nChecks\n")
			for _, e := range r.Exporters {
				fmt.Fprintf(&b, "  %s %s:\n", e.Signal, e.Kind)
				writeResult(&b, e.Check)
			}
		}
	}

	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", oneLine(w))
	}
	failed, total := 0, 0
	for _, e := range r.Exporters {
		if e.Check.Status != StatusSkipped {
			total++
		}
		if e.Check.Status == StatusFailed {
			failed++
		}
	}
	switch {
	case r.Failed():
		var why []string
		if failed > 0 {
			why = append(why, fmt.Sprintf("%d of %d checks failed", failed, total))
		}
		if r.ConfigError != "" {
			why = append(why, "configuration errors")
		}
		if len(r.Mistakes) > 0 {
			why = append(why, fmt.Sprintf("%d mistaken variables", len(r.Mistakes)))
		}
		for _, f := range r.TLSFiles {
			if f.Status == StatusFailed {
				why = append(why, "a certificate file is unusable")
				break
			}
		}
		if r.HeadersHelper != nil && r.HeadersHelper.Status == StatusFailed {
			why = append(why, "the headers helper failed")
		}
		fmt.Fprintf(&b, "\nResult: FAILED (%s)\n", strings.Join(why, ", "))
	case total > 0:
		fmt.Fprintf(&b, "\nResult: OK (%d checks passed)\n", total)
	default:
		b.WriteString("\nResult: nothing to check\n")
	}
	return b.String()
}

func writeResult(b *strings.Builder, r Result) {
	mark := map[Status]string{StatusOK: "OK  ", StatusFailed: "FAIL", StatusSkipped: "SKIP"}[r.Status]
	fmt.Fprintf(b, "    %s  %s", mark, r.Summary)
	if r.Duration > 0 {
		fmt.Fprintf(b, " (%s)", r.Duration.Round(1e6))
	}
	b.WriteString("\n")
	if r.Error != "" {
		fmt.Fprintf(b, "          error: %s\n", oneLine(r.Error))
	}
	if r.Hint != "" {
		fmt.Fprintf(b, "          fix:   %s\n", r.Hint)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return strings.Join(lines, "\n")
}
