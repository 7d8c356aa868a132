// pubsub-ref runs mqbench's pub/sub operation through the Go client Milvus uses for each broker, as a reference for
// mqbench's own client on the same broker: per operation, a fresh topic, a consumer from the first message, N
// messages published one after another (each awaiting its acknowledgement), done when the consumer has all N.
// It prints one JSON line. --broker picks the client: nats (nats.go), pulsar (pulsar-client-go), kafka
// (confluent-kafka-go, librdkafka through cgo).
package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

type result struct {
	Client        string    `json:"client"`
	SecondsPerOp  []float64 `json:"secondsPerOp"`
	Messages      int       `json:"messages"`
	MessageBytes  int       `json:"messageBytes"`
	Operations    int       `json:"operations"`
	ConsumerShape string    `json:"consumer"`
}

// options are the flags every broker's run reads.
type options struct {
	url, adminURL, prefix                  string
	creds, tlsCA, tlsCert, tlsKey, token   string
	messages, size, operations             int
	timeout                                time.Duration
}

// operationFn runs one operation on `topic` and returns its seconds.
type operationFn func(topic string, payload []byte) (float64, error)

func main() {
	broker := flag.String("broker", "nats", "nats | pulsar | kafka")
	var o options
	flag.StringVar(&o.url, "url", "nats://127.0.0.1:4222", "the broker's URL (nats://…, pulsar://…), or kafka's bootstrap servers (host:port)")
	flag.StringVar(&o.adminURL, "admin-url", "", "pulsar: the web service URL, to delete each operation's topic")
	flag.IntVar(&o.messages, "messages", 1000, "messages per operation")
	flag.IntVar(&o.size, "size", 1024, "bytes per message")
	flag.IntVar(&o.operations, "operations", 3, "operations")
	flag.StringVar(&o.prefix, "prefix", "pubsub-ref", "topic name prefix (one topic per operation)")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "an operation fails when nothing arrives for this long")
	flag.StringVar(&o.creds, "creds", "", "nats: a .creds file (JWT and NKey seed)")
	flag.StringVar(&o.tlsCA, "tlsca", "", "nats, pulsar: CA certificate file")
	flag.StringVar(&o.tlsCert, "tlscert", "", "nats: client certificate file")
	flag.StringVar(&o.tlsKey, "tlskey", "", "nats: client key file")
	flag.StringVar(&o.token, "token-file", "", "pulsar: a file holding the token")
	flag.Parse()
	var err error
	switch *broker {
	case "nats":
		err = runNats(o)
	case "pulsar":
		err = runPulsar(o)
	case "kafka":
		err = runKafka(o)
	default:
		err = fmt.Errorf("unknown broker %q (nats, pulsar, kafka)", *broker)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pubsub-ref:", err)
		os.Exit(1)
	}
}

// runOperations runs the operations with one random payload and prints the result.
func runOperations(o options, out result, operation operationFn) error {
	payload := make([]byte, o.size)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	out.Messages, out.MessageBytes, out.Operations = o.messages, o.size, o.operations
	for op := 0; op < o.operations; op++ {
		seconds, err := operation(fmt.Sprintf("%s-%d", o.prefix, op), payload)
		if err != nil {
			return fmt.Errorf("operation %d: %w", op+1, err)
		}
		out.SecondsPerOp = append(out.SecondsPerOp, seconds)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// deliveryWatch counts deliveries and tells when all arrived, or when nothing arrived for the timeout.
type deliveryWatch struct {
	received, last atomic.Int64
	want           int64
	done           chan struct{}
}

func newDeliveryWatch(want int) *deliveryWatch {
	w := &deliveryWatch{want: int64(want), done: make(chan struct{})}
	w.last.Store(time.Now().UnixNano())
	return w
}

// delivered counts one message.
func (w *deliveryWatch) delivered() {
	w.last.Store(time.Now().UnixNano())
	if w.received.Add(1) == w.want {
		close(w.done)
	}
}

// wait returns when every message arrived, or an error once nothing arrived for `timeout`.
func (w *deliveryWatch) wait(timeout time.Duration) error {
	for {
		select {
		case <-w.done:
			return nil
		case <-time.After(time.Second):
			if time.Since(time.Unix(0, w.last.Load())) > timeout {
				return fmt.Errorf("%d of %d messages delivered, nothing for %s", w.received.Load(), w.want, timeout)
			}
		}
	}
}
