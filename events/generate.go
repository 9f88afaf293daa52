package events

//go:generate go run ./internal/gen/cmd
