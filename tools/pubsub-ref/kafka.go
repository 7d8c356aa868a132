package main

import (
	"context"
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// runKafka: confluent-kafka-go (librdkafka), the client Milvus's kafka mq uses: one Produce per message awaiting its
// delivery report (acks=all; linger and compression as mqbench's client, so the clients compare like with like),
// a consumer group reading from the earliest offset.
func runKafka(o options) error {
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": o.url})
	if err != nil {
		return err
	}
	defer admin.Close()
	producer, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": o.url, "acks": "all", "linger.ms": 0, "compression.codec": "none", "message.max.bytes": 10485760})
	if err != nil {
		return err
	}
	defer producer.Close()
	_, version := kafka.LibraryVersion()
	out := result{Client: fmt.Sprintf("confluent-kafka-go (librdkafka %s)", version), ConsumerShape: "consumer group from the earliest offset, no auto-commit (Milvus's settings)"}
	return runOperations(o, out, func(topic string, payload []byte) (float64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		start := time.Now()
		created, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}})
		if err == nil && created[0].Error.Code() != kafka.ErrNoError {
			err = created[0].Error
		}
		if err != nil {
			return 0, err
		}
		defer admin.DeleteTopics(context.Background(), []string{topic})
		consumer, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": o.url, "group.id": topic, "auto.offset.reset": "earliest", "enable.auto.commit": false, "fetch.max.bytes": 16 * 1024 * 1024})
		if err != nil {
			return 0, err
		}
		defer consumer.Close()
		if err := consumer.Subscribe(topic, nil); err != nil {
			return 0, err
		}
		watch := newDeliveryWatch(o.messages)
		// The reader must have returned before the consumer closes: librdkafka aborts on a poll of a closed handle.
		stop, stopped := make(chan struct{}), make(chan struct{})
		defer func() {
			close(stop)
			<-stopped
		}()
		go func() {
			defer close(stopped)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if message, err := consumer.ReadMessage(100 * time.Millisecond); err == nil && message != nil {
					watch.delivered()
				}
			}
		}()
		reports := make(chan kafka.Event, 1)
		for i := 0; i < o.messages; i++ {
			if err := producer.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Value: payload}, reports); err != nil {
				return 0, err
			}
			if report := (<-reports).(*kafka.Message); report.TopicPartition.Error != nil {
				return 0, report.TopicPartition.Error
			}
		}
		if err := watch.wait(o.timeout); err != nil {
			return 0, err
		}
		return time.Since(start).Seconds(), nil
	})
}
