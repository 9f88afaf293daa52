package ccanthropic_test

import (
	"context"
	"fmt"
	"log"

	"github.com/anthropics/anthropic-sdk-go"

	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// An agent records its Messages API calls as Claude Code records its own:
// the client carries the middleware, and each call's context carries the
// session (and the prompt) to record into.
func Example() {
	ctx := context.Background()
	tel, err := telemetry.Start(ctx) // configured from the environment, as Claude Code is
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = tel.Shutdown(ctx) }()
	ctx, session := tel.StartSession(ctx)

	client := anthropic.NewClient(ccanthropic.WithTelemetry())

	// A subagent's calls are attributed to it.
	subagent := ccanthropic.ContextWithCall(ctx, ccanthropic.Call{Attribution: metrics.Attribution{Agent: metrics.Name{Value: "Explore", Origin: metrics.OriginBuiltIn}}})
	for _, c := range []context.Context{ctx, subagent} {
		msg, err := client.Messages.New(c, anthropic.MessageNewParams{
			Model:     "claude-sonnet-5-5", // a string: the SDK's constants change with its versions
			MaxTokens: 1024,
			Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Hi"))},
		})
		if err != nil {
			log.Print(err) // already recorded as api_error
			continue
		}
		fmt.Println(msg.Content[0].Text)
	}
	fmt.Printf("$%.4f\n", session.Totals().CostUSD)
}
