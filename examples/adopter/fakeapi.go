package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
)

// fakeAPI is a scripted Messages API: a write, a bash command, then text.
func fakeAPI() http.Handler {
	turns := []string{
		`{"type":"tool_use","id":"toolu_1","name":"write","input":{"file_path":"hello.txt","content":"hello\nworld\n"}}`,
		`{"type":"tool_use","id":"toolu_2","name":"bash","input":{"command":"echo hello"}}`,
		`{"type":"text","text":"I wrote hello.txt and said hello. Done."}`,
	}
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(turns) {
			i = len(turns) - 1
		}
		stop := "tool_use"
		if i == len(turns)-1 {
			stop = "end_turn"
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", fmt.Sprintf("req_%d", i+1))
		body := fmt.Sprintf(`{"id":"msg_%d","type":"message","role":"assistant","model":%q,"content":[%s],"stop_reason":%q,`+
			`"usage":{"input_tokens":%d,"output_tokens":%d,"cache_read_input_tokens":2000,"cache_creation_input_tokens":300}}`,
			i+1, model, turns[i], stop, 100+10*i, 40)
		if !json.Valid([]byte(body)) {
			http.Error(w, "bad script", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(body))
	})
}
