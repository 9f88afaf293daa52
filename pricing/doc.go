// Package pricing turns token usage into the cost_usd of Claude Code's
// api_request event and claude_code.cost.usage metric.
//
// The embedded table (prices.json, stamped with its Version) holds USD per
// million tokens for input, output, cache reads and 5-minute and 1-hour cache
// writes. Cost is computed as Claude Code does, term by term as
// tokens/1e6*price, so captured values such as 0.0027209999999999995 are
// reproduced to the last bit. A model the table does not know costs 0.
//
// It reads no environment variables; telemetry.WithPrices replaces the table.
package pricing
