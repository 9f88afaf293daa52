package config

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// mistakePrefixes are the prefixes of the variables a mistaken name is
// looked for under: OpenTelemetry's, Claude Code's and ccotel's.
var mistakePrefixes = []string{"OTEL_", "CLAUDE_CODE_", "CCOTEL_"}

// otherKnown are variables with those prefixes that are right although
// ccotel does not read them: the OpenTelemetry specification's
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/)
// and Claude Code's own variables that sit close to a telemetry one. They
// are never reported as mistakes.
var otherKnown = map[string]bool{
	"OTEL_SDK_DISABLED": true, "OTEL_LOG_LEVEL": true, "OTEL_PROPAGATORS": true,
	"OTEL_BSP_SCHEDULE_DELAY": true, "OTEL_BSP_EXPORT_TIMEOUT": true, "OTEL_BSP_MAX_QUEUE_SIZE": true, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": true,
	"OTEL_BLRP_SCHEDULE_DELAY": true, "OTEL_BLRP_EXPORT_TIMEOUT": true, "OTEL_BLRP_MAX_QUEUE_SIZE": true, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": true,
	"OTEL_ATTRIBUTE_COUNT_LIMIT": true, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": true, "OTEL_SPAN_EVENT_COUNT_LIMIT": true,
	"OTEL_SPAN_LINK_COUNT_LIMIT": true, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT": true, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT": true,
	"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": true, "OTEL_METRIC_EXPORT_TIMEOUT": true, "OTEL_METRICS_EXEMPLAR_FILTER": true,
	"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION": true, "OTEL_EXPORTER_ZIPKIN_ENDPOINT": true, "OTEL_EXPORTER_ZIPKIN_TIMEOUT": true,
	"OTEL_CONFIG_FILE": true, "OTEL_EXPERIMENTAL_CONFIG_FILE": true, "OTEL_ENTITIES": true,
	"OTEL_METRICS_PRODUCERS": true, "OTEL_METRICS_CARDINALITY_LIMIT": true, "OTEL_GO_X_CARDINALITY_LIMIT": true,
	"CLAUDE_CODE_USE_BEDROCK": true, "CLAUDE_CODE_USE_VERTEX": true, "CLAUDE_CODE_USE_FOUNDRY": true,
	"CLAUDE_CODE_SKIP_BEDROCK_AUTH": true, "CLAUDE_CODE_SKIP_VERTEX_AUTH": true, "CLAUDE_CODE_SKIP_FOUNDRY_AUTH": true,
	"CLAUDE_CODE_MAX_OUTPUT_TOKENS": true, "CLAUDE_CODE_API_KEY_HELPER_TTL_MS": true,
	"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": true, "CLAUDE_CODE_SSE_PORT": true, "CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL": true,
	"CLAUDE_CODE_GIT_BASH_PATH": true, "CLAUDE_CODE_SHELL": true, "CLAUDE_CODE_SHELL_PREFIX": true, "CLAUDE_CODE_TMPDIR": true,
	"CLAUDE_CODE_EFFORT_LEVEL": true, "CLAUDE_CODE_SUBAGENT_MODEL": true, "CLAUDE_CODE_SESSION_ID": true,
}

// otherKnownPrefixes are families of variables of other OpenTelemetry SDKs
// and instrumentations.
var otherKnownPrefixes = []string{"OTEL_INSTRUMENTATION_", "OTEL_GO_X_", "OTEL_NODE_", "OTEL_PYTHON_", "OTEL_JAVA_",
	"OTEL_JAVAAGENT_", "OTEL_DOTNET_", "OTEL_PHP_", "OTEL_RUBY_", "OTEL_EXPORTER_JAEGER_", "OTEL_EXPORTER_ZIPKIN_",
	"OTEL_EXPORTER_OTLP_SPAN_", "OTEL_SERVICE_", "OTEL_RESOURCE_DETECTORS", "OTEL_UNITY_", "OTEL_EXPERIMENTAL_"}

// maxMistakeDistance is how far (in single-character edits, a swap of two
// neighbours counting as one) a name may be from a variable of the table to
// be reported as a mistake for it. Two catches a letter missing, doubled,
// swapped or wrong ("OTEL_METRICS_EXPORTERS", "OTEL_LOG_EXPORTER") without
// matching unrelated names, which differ in whole words.
const maxMistakeDistance = 2

// mistakes warns, once each, about set variables that look like ccotel's
// but are not: a name under one of mistakePrefixes (case-insensitive), not
// in the table nor in otherKnown, within maxMistakeDistance of a variable
// of the table, or equal to one but for case.
func mistakes(names []string) []Warning {
	var out []Warning
	sort.Strings(names)
	for _, name := range names {
		if suggestion, ok := mistakeFor(name); ok {
			out = append(out, Warning{Kind: WarningUnknownVariable, Variable: name, Source: SourceEnvironment, Suggestion: suggestion,
				Message: fmt.Sprintf("%s is set but is not a variable ccotel reads; did you mean %s?", name, suggestion)})
		}
	}
	return out
}

func mistakeFor(name string) (string, bool) {
	if _, ok := variableIndex[name]; ok || otherKnown[name] {
		return "", false
	}
	upper := strings.ToUpper(name)
	prefixed := false
	for _, p := range mistakePrefixes {
		prefixed = prefixed || strings.HasPrefix(upper, p)
	}
	if !prefixed || otherKnown[upper] {
		return "", false
	}
	for _, p := range otherKnownPrefixes {
		if strings.HasPrefix(upper, p) {
			return "", false
		}
	}
	best, bestDist := "", maxMistakeDistance+1
	for _, v := range Variables {
		if v.SettingsKey {
			continue
		}
		if d := editDistance(upper, strings.ToUpper(v.Name), bestDist); d < bestDist {
			best, bestDist = v.Name, d
		}
	}
	return best, best != ""
}

// editDistance is the optimal string alignment distance of a and b (edits,
// with a swap of neighbours counting as one), or bound when it is at least
// bound: names far apart cost one row of work, not the whole table.
func editDistance(a, b string, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], bound)
}

// environNames returns the names of a list of "NAME=value" strings.
func environNames(environ []string) []string {
	names := make([]string, 0, len(environ))
	for _, kv := range environ {
		if name, _, ok := strings.Cut(kv, "="); ok && name != "" {
			names = append(names, name)
		}
	}
	return names
}

// processEnvironNames lists the names of the process environment.
func processEnvironNames() []string { return environNames(os.Environ()) }
