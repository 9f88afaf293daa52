package pricing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed prices.json
var embedded []byte

// Price is what one model costs, in USD per million tokens.
type Price struct {
	Input        float64 `json:"input"`
	Output       float64 `json:"output"`
	CacheRead    float64 `json:"cache_read"`
	CacheWrite5m float64 `json:"cache_write_5m"`
	CacheWrite1h float64 `json:"cache_write_1h"`
	// LongContext, when set, replaces every rate of a request whose prompt
	// (input plus cache reads and writes) exceeds its threshold.
	LongContext *Tier `json:"long_context,omitempty"`
}

// Tier is a prompt-length price band.
type Tier struct {
	ThresholdTokens int64   `json:"threshold_tokens"`
	Input           float64 `json:"input"`
	Output          float64 `json:"output"`
	CacheRead       float64 `json:"cache_read"`
	CacheWrite5m    float64 `json:"cache_write_5m"`
	CacheWrite1h    float64 `json:"cache_write_1h"`
}

// Usage is the token usage of one API response.
type Usage struct {
	InputTokens         int64
	OutputTokens        int64
	CacheReadTokens     int64
	CacheCreationTokens int64 // all cache writes; priced at the 5-minute rate unless split below
	// CacheCreation5mTokens and CacheCreation1hTokens split
	// CacheCreationTokens by lifetime when the API reports it.
	CacheCreation5mTokens int64
	CacheCreation1hTokens int64
}

// Table is an immutable price table. A nil *Table has no prices.
type Table struct {
	version string
	models  map[string]Price
	// lookups remembers each model id's price: Canonical's regular
	// expressions cost a microsecond, a repeated model id should not. It
	// remembers at most maxLookups ids of at most maxLookupLen bytes, so a
	// host sending endless or huge model ids cannot grow it.
	lookups  sync.Map // string -> lookup
	nLookups atomic.Int64
}

const (
	maxLookups   = 1024
	maxLookupLen = 256
)

type lookup struct {
	price Price
	ok    bool
}

type file struct {
	Version string           `json:"version"`
	Models  map[string]Price `json:"models"`
}

var defaultTable = mustParse(embedded)

func mustParse(b []byte) *Table {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		panic("pricing: embedded prices.json: " + err.Error()) // a build defect, caught by the package tests
	}
	return &Table{version: f.Version, models: f.Models}
}

// Default returns the embedded table.
func Default() *Table { return defaultTable }

// Parse reads a table in the embedded file's JSON format.
func Parse(b []byte) (*Table, error) {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("pricing: %w", err)
	}
	t := &Table{version: f.Version, models: map[string]Price{}}
	for k, p := range f.Models {
		t.models[Canonical(k)] = p
	}
	return t, nil
}

// Version is the table's date stamp.
func (t *Table) Version() string {
	if t == nil {
		return ""
	}
	return t.version
}

// With returns a copy of t with prices added or replaced. Keys are model ids
// in any form Canonical accepts.
func (t *Table) With(version string, prices map[string]Price) *Table {
	var models map[string]Price // a nil *Table has no prices
	if t != nil {
		models = t.models
	}
	out := &Table{version: version, models: make(map[string]Price, len(models)+len(prices))}
	for k, p := range models {
		out.models[k] = p
	}
	for k, p := range prices {
		out.models[Canonical(k)] = p
	}
	return out
}

// Lookup returns the price of model, matching dated, provider-prefixed and
// [1m]-suffixed ids to their family ("claude-sonnet-4-5-20250929" and
// "us.anthropic.claude-sonnet-4-5-20250929-v1:0" are "claude-sonnet-4-5").
func (t *Table) Lookup(model string) (Price, bool) {
	if t == nil {
		return Price{}, false
	}
	if l, ok := t.lookups.Load(model); ok {
		return l.(lookup).price, l.(lookup).ok
	}
	p, ok := t.models[Canonical(model)]
	if len(model) <= maxLookupLen && t.nLookups.Add(1) <= maxLookups {
		t.lookups.Store(strings.Clone(model), lookup{p, ok})
	}
	return p, ok
}

// Cost returns the cost of usage on model in USD, and false (with 0) when
// the model is unknown.
func (t *Table) Cost(model string, u Usage) (float64, bool) {
	p, ok := t.Lookup(model)
	if !ok {
		return 0, false
	}
	in, out, read, w5, w1 := p.Input, p.Output, p.CacheRead, p.CacheWrite5m, p.CacheWrite1h
	if lc := p.LongContext; lc != nil && u.InputTokens+u.CacheReadTokens+u.CacheCreationTokens > lc.ThresholdTokens {
		in, out, read, w5, w1 = lc.Input, lc.Output, lc.CacheRead, lc.CacheWrite5m, lc.CacheWrite1h
	}
	writes5m, writes1h := u.CacheCreationTokens, int64(0)
	if u.CacheCreation5mTokens+u.CacheCreation1hTokens > 0 {
		writes5m, writes1h = u.CacheCreation5mTokens, u.CacheCreation1hTokens
	}
	cost := float64(u.InputTokens)/1e6*in +
		float64(u.OutputTokens)/1e6*out +
		float64(u.CacheReadTokens)/1e6*read +
		float64(writes5m)/1e6*w5
	if writes1h > 0 {
		cost += float64(writes1h) / 1e6 * w1
	}
	return cost, true
}

// UnknownModelError says that a price table has no price for a model. The
// telemetry package reports it to the error handler once per model, and
// records that model's cost as 0.
type UnknownModelError struct {
	Model   string // as given
	Version string // the table's version
}

func (e *UnknownModelError) Error() string {
	if e == nil {
		return "pricing: <nil UnknownModelError>"
	}
	return fmt.Sprintf("pricing: no price for model %q in price table %s", e.Model, e.Version)
}

// Micros is cost_usd_micros: the cost in millionths of a dollar, rounded.
func Micros(usd float64) int64 { return int64(math.Round(usd * 1e6)) }

// Canonical reduces a model id to its family key: lower case, without a
// provider prefix ("us.anthropic.", "anthropic/"), a context suffix ("[1m]"),
// a Bedrock version ("-v1:0") or a date ("-20250929", "@20250929").
func Canonical(model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	if i := strings.Index(m, "["); i >= 0 {
		m = m[:i]
	}
	if i := strings.LastIndex(m, "/"); i >= 0 {
		m = m[i+1:]
	}
	if i := strings.Index(m, "claude-"); i > 0 {
		m = m[i:]
	}
	m = trimBedrockVersion(m)
	m = trimDate(m)
	return strings.TrimSuffix(m, "-latest")
}

// trimBedrockVersion removes a final `-v\d+(:\d+)?`. It and trimDate read
// only the id's tail: a regular expression scanned the whole id, about 100
// ns a byte, so a host's 10 MB model name stalled its APIResponse for a
// second.
func trimBedrockVersion(m string) string {
	i := trailingDigits(m)
	if i == len(m) {
		return m
	}
	if i > 0 && m[i-1] == ':' {
		if j := trailingDigits(m[:i-1]); j < i-1 {
			i = j
		} else {
			return m
		}
	}
	if i >= 2 && m[i-2:i] == "-v" {
		return m[:i-2]
	}
	return m
}

// trimDate removes a final `[-@]\d{8}`.
func trimDate(m string) string {
	if n := len(m); n >= 9 && (m[n-9] == '-' || m[n-9] == '@') && trailingDigits(m[n-8:]) == 0 {
		return m[:n-9]
	}
	return m
}

// trailingDigits is the index where m's final run of ASCII digits starts.
func trailingDigits(m string) int {
	i := len(m)
	for i > 0 && '0' <= m[i-1] && m[i-1] <= '9' {
		i--
	}
	return i
}
