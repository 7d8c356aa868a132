// rocksmq-ref runs mqbench's pub/sub operation through Milvus's own RocksMQ, as the reference for mqbench's rocksmq
// engine: Milvus's rocksmq server (github.com/milvus-io/milvus/pkg/v2, mq/mqimpl/rocksmq, RocksDB through cgo) embedded
// in this process as Milvus standalone embeds it, driven through the msgstream wrapper Milvus's streams use
// (mq/msgstream/mqwrapper/rmq). Per operation: a fresh topic, a consumer from the earliest message with Milvus's
// receive buffer (mq.mqBufSize, 16), N messages sent one after another (each Send returns once RocksDB has the
// write), done when the consumer has all N. It prints one JSON line, in pubsub-ref's shape.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/milvus-io/milvus/pkg/v2/log"
	"github.com/milvus-io/milvus/pkg/v2/mq/common"
	"github.com/milvus-io/milvus/pkg/v2/mq/mqimpl/rocksmq/server"
	"github.com/milvus-io/milvus/pkg/v2/mq/msgstream/mqwrapper"
	"github.com/milvus-io/milvus/pkg/v2/mq/msgstream/mqwrapper/rmq"
	"github.com/milvus-io/milvus/pkg/v2/util/paramtable"
)

// milvusReceiveBuffer is Milvus's mq.mqBufSize default: the consumer channel's capacity.
const milvusReceiveBuffer = 16

type result struct {
	Client        string    `json:"client"`
	SecondsPerOp  []float64 `json:"secondsPerOp"`
	Messages      int       `json:"messages"`
	MessageBytes  int       `json:"messageBytes"`
	Operations    int       `json:"operations"`
	ConsumerShape string    `json:"consumer"`
}

func main() {
	dir := flag.String("dir", "", "an empty directory for RocksMQ's stores (required; on the disk under test)")
	messages := flag.Int("messages", 1000, "messages per operation")
	size := flag.Int("size", 1024, "bytes per message")
	operations := flag.Int("operations", 3, "operations")
	prefix := flag.String("prefix", "rocksmq-ref", "topic name prefix (one topic per operation)")
	timeout := flag.Duration("timeout", 60*time.Second, "an operation fails when nothing arrives for this long")
	flag.Parse()
	if err := run(*dir, *messages, *size, *operations, *prefix, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "rocksmq-ref:", err)
		os.Exit(1)
	}
	// No CloseRocksMQ: Milvus closes its RocksDB before the column family handles, which RocksDB 7 (Debian's build,
	// assertions on) aborts on. The process ends here; the caller removes the directory.
}

func run(dir string, messages, size, operations int, prefix string, timeout time.Duration) error {
	if dir == "" {
		return fmt.Errorf("--dir is required")
	}
	log.SetLevel(zapcore.ErrorLevel)
	// Milvus's defaults, without its remote configuration source (etcd): nothing here to ask.
	paramtable.InitWithBaseTable(paramtable.NewBaseTable(paramtable.SkipRemote(true)))
	if err := server.InitRocksMQ(dir); err != nil {
		return fmt.Errorf("opening RocksMQ in %s: %w", dir, err)
	}
	ctx := context.Background()
	client, err := rmq.NewClientWithDefaultOptions(ctx)
	if err != nil {
		return err
	}
	payload := make([]byte, size)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	out := result{
		Client:        fmt.Sprintf("Milvus RocksMQ (milvus pkg/v2 %s, RocksDB %s)", milvusVersion(), rocksdbVersion()),
		Messages:      messages,
		MessageBytes:  size,
		Operations:    operations,
		ConsumerShape: fmt.Sprintf("msgstream rmq consumer from the earliest message, receive buffer %d", milvusReceiveBuffer),
	}
	for op := 0; op < operations; op++ {
		seconds, err := operation(ctx, client, fmt.Sprintf("%s-%d", prefix, op), payload, messages, timeout)
		if err != nil {
			return fmt.Errorf("operation %d: %w", op+1, err)
		}
		out.SecondsPerOp = append(out.SecondsPerOp, seconds)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// operation runs one pub/sub operation on a fresh topic and returns its seconds.
func operation(ctx context.Context, client mqwrapper.Client, topic string, payload []byte, messages int, timeout time.Duration) (float64, error) {
	start := time.Now()
	producer, err := client.CreateProducer(ctx, common.ProducerOptions{Topic: topic})
	if err != nil {
		return 0, err
	}
	defer producer.Close()
	consumer, err := client.Subscribe(ctx, mqwrapper.ConsumerOptions{
		Topic:                       topic,
		SubscriptionName:            topic + "-sub",
		SubscriptionInitialPosition: common.SubscriptionPositionEarliest,
		BufSize:                     milvusReceiveBuffer,
	})
	if err != nil {
		return 0, err
	}
	defer consumer.Close()
	received := make(chan error, 1)
	go func() {
		count := 0
		for count < messages {
			select {
			case message, ok := <-consumer.Chan():
				if !ok {
					received <- fmt.Errorf("the consumer closed after %d of %d messages", count, messages)
					return
				}
				if len(message.Payload()) != len(payload) {
					received <- fmt.Errorf("message %d has %d bytes, sent %d", count, len(message.Payload()), len(payload))
					return
				}
				consumer.Ack(message)
				count++
			case <-time.After(timeout):
				received <- fmt.Errorf("%d of %d messages delivered, nothing for %s", count, messages, timeout)
				return
			}
		}
		received <- nil
	}()
	for i := 0; i < messages; i++ {
		if _, err := producer.Send(ctx, &common.ProducerMessage{Payload: payload}); err != nil {
			return 0, err
		}
	}
	if err := <-received; err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// milvusVersion is the version of Milvus's module this binary was built with.
func milvusVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, module := range info.Deps {
			if module.Path == "github.com/milvus-io/milvus/pkg/v2" {
				return module.Version
			}
		}
	}
	return "unknown"
}
