/**
 * The part of Pulsar's binary protocol (PulsarApi.proto, protocol version 12) this client speaks, written as a proto2
 * schema of our own with the protocol's field numbers, and compiled by protobufjs at load.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto2";
package mqbench.pulsar;

message MessageIdData { required uint64 ledgerId = 1; required uint64 entryId = 2; optional int32 partition = 3 [default = -1]; optional int32 batch_index = 4 [default = -1]; }
message KeyValue { required string key = 1; required string value = 2; }
message MessageMetadata {
  required string producer_name = 1; required uint64 sequence_id = 2; required uint64 publish_time = 3;
  repeated KeyValue properties = 4; optional int32 compression = 8 [default = 0]; optional uint32 uncompressed_size = 9;
  optional int32 num_messages_in_batch = 11 [default = 1];
}
message SingleMessageMetadata { repeated KeyValue properties = 1; optional string partition_key = 2; required int32 payload_size = 3; }
message CommandConnect { required string client_version = 1; optional bytes auth_data = 3; optional int32 protocol_version = 4 [default = 0]; optional string auth_method_name = 5; }
message CommandConnected { required string server_version = 1; optional int32 protocol_version = 2; }
message CommandSubscribe {
  required string topic = 1; required string subscription = 2; required int32 subType = 3;
  required uint64 consumer_id = 4; required uint64 request_id = 5; optional string consumer_name = 6;
}
message CommandLookupTopic { required string topic = 1; required uint64 request_id = 2; optional bool authoritative = 3 [default = false]; }
message CommandLookupTopicResponse {
  optional string brokerServiceUrl = 1; optional int32 response = 3; required uint64 request_id = 4;
  optional bool authoritative = 5 [default = false]; optional int32 error = 6; optional string message = 7;
  optional bool proxy_through_service_url = 8 [default = false];
}
message CommandProducer { required string topic = 1; required uint64 producer_id = 2; required uint64 request_id = 3; }
message CommandSend { required uint64 producer_id = 1; required uint64 sequence_id = 2; optional int32 num_messages = 3 [default = 1]; }
message CommandSendReceipt { required uint64 producer_id = 1; required uint64 sequence_id = 2; optional MessageIdData message_id = 3; }
message CommandSendError { required uint64 producer_id = 1; required uint64 sequence_id = 2; required int32 error = 3; required string message = 4; }
message CommandMessage { required uint64 consumer_id = 1; required MessageIdData message_id = 2; optional uint32 redelivery_count = 3; }
message CommandAck { required uint64 consumer_id = 1; required int32 ack_type = 2; repeated MessageIdData message_id = 3; }
message CommandFlow { required uint64 consumer_id = 1; required uint32 messagePermits = 2; }
message CommandSuccess { required uint64 request_id = 1; }
message CommandError { required uint64 request_id = 1; required int32 error = 2; required string message = 3; }
message CommandCloseProducer { required uint64 producer_id = 1; required uint64 request_id = 2; }
message CommandCloseConsumer { required uint64 consumer_id = 1; required uint64 request_id = 2; }
message CommandProducerSuccess { required uint64 request_id = 1; required string producer_name = 2; optional int64 last_sequence_id = 3; }
message CommandPing {}
message CommandPong {}
message BaseCommand {
  required int32 type = 1;
  optional CommandConnect connect = 2; optional CommandConnected connected = 3; optional CommandSubscribe subscribe = 4;
  optional CommandProducer producer = 5; optional CommandSend send = 6; optional CommandSendReceipt send_receipt = 7;
  optional CommandSendError send_error = 8; optional CommandMessage message = 9; optional CommandAck ack = 10;
  optional CommandFlow flow = 11; optional CommandSuccess success = 13; optional CommandError error = 14;
  optional CommandCloseProducer close_producer = 15; optional CommandCloseConsumer close_consumer = 16;
  optional CommandProducerSuccess producer_success = 17; optional CommandPing ping = 18; optional CommandPong pong = 19;
  optional CommandLookupTopic lookupTopic = 23; optional CommandLookupTopicResponse lookupTopicResponse = 24;
}
`;

/** BaseCommand.type values this client sends or handles. */
export const CommandType = {
  CONNECT: 2,
  CONNECTED: 3,
  SUBSCRIBE: 4,
  PRODUCER: 5,
  SEND: 6,
  SEND_RECEIPT: 7,
  SEND_ERROR: 8,
  MESSAGE: 9,
  ACK: 10,
  FLOW: 11,
  SUCCESS: 13,
  ERROR: 14,
  CLOSE_PRODUCER: 15,
  CLOSE_CONSUMER: 16,
  PRODUCER_SUCCESS: 17,
  PING: 18,
  PONG: 19,
  LOOKUP: 23,
  LOOKUP_RESPONSE: 24,
} as const;

/** The protocol version announced in CONNECT. */
export const PROTOCOL_VERSION = 12;

/** Lookup responses. */
export const LookupType = { Redirect: 0, Connect: 1, Failed: 2 } as const;

/** A message id as the protocol carries it (ledger and entry ids stay below 2^53 in practice). */
export interface MessageId {
  ledgerId: number;
  entryId: number;
  partition?: number;
  batch_index?: number;
}

/** A decoded BaseCommand: its type and the one field that type uses (protobufjs object, numbers for uint64). */
export type Command = { type: number } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;

/** The compiled message types. */
export const types = {
  BaseCommand: root.lookupType('mqbench.pulsar.BaseCommand'),
  MessageMetadata: root.lookupType('mqbench.pulsar.MessageMetadata'),
  SingleMessageMetadata: root.lookupType('mqbench.pulsar.SingleMessageMetadata'),
};

const LONGS = { longs: Number, defaults: false } as const;

/** Encodes a BaseCommand. */
export function encodeCommand(command: Command): Uint8Array {
  return types.BaseCommand.encode(types.BaseCommand.fromObject(command)).finish();
}

/** Decodes a BaseCommand to a plain object (uint64 as numbers). */
export function decodeCommand(bytes: Uint8Array): Command {
  return types.BaseCommand.toObject(types.BaseCommand.decode(bytes), LONGS) as Command;
}

/** Encodes message metadata. */
export function encodeMetadata(metadata: Record<string, unknown>): Uint8Array {
  return types.MessageMetadata.encode(types.MessageMetadata.fromObject(metadata)).finish();
}

/** Decodes message metadata. */
export function decodeMetadata(bytes: Uint8Array): { num_messages_in_batch?: number; compression?: number } & Record<string, unknown> {
  return types.MessageMetadata.toObject(types.MessageMetadata.decode(bytes), LONGS);
}
