// Package leaky is parsed, never built, by TestInternalTypesFinds: each
// exported declaration below but Clean, Holder, Emitter.Ok and Getter shows
// an internal type.
package leaky

import (
	"context"

	"github.com/ccotel/ccotel/internal/core"
	ex "github.com/ccotel/ccotel/internal/exporter"
)

type Emitter struct{ st *core.State }

func New(st *core.State) *Emitter { return &Emitter{st: st} }

func (e *Emitter) Use(f func(*core.Session)) {}

func (e *Emitter) Ok(ctx context.Context) {}

type Alias = ex.Pipelines

type Holder struct {
	*core.State
	State2 []map[string]core.Static
	hidden core.Static
}

var Default core.Static

type Getter interface {
	Get() core.Static
	get() core.Static
}

func Clean(ctx context.Context) error { return nil }
