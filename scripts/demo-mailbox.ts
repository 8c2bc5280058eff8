import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * The demo's inbox: an SQS queue subscribed to the SNS topic receives what an email
 * subscriber would (SNS's envelope carries the Subject and the Message body).
 */

export interface ReceivedEmail {
  messageId: string;
  subject: string;
  body: string;
}

export interface Mailbox {
  /** The oldest email received that matches, waiting up to `timeoutMs` for one. */
  next(match?: (email: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
}

/** Subscribes a new queue to `topicArn`. */
export async function openMailbox(sns: SNSClient, sqs: SQSClient, topicArn: string, queueName: string): Promise<Mailbox> {
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? '';
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn ?? '' }));
  // Received but not yet asked for, oldest first.
  const pending: ReceivedEmail[] = [];
  const take = (match: (email: ReceivedEmail) => boolean): ReceivedEmail | undefined => {
    const at = pending.findIndex(match);
    return at < 0 ? undefined : pending.splice(at, 1)[0];
  };
  return {
    async next(match = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (let found = take(match); ; found = take(match)) {
        if (found) return found;
        if (Date.now() >= deadline) throw new Error(`no matching email reached the demo inbox within ${timeoutMs / 1000} s`);
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const message of out.Messages ?? []) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          const envelope = JSON.parse(message.Body ?? '{}') as { MessageId?: string; Subject?: string; Message?: string };
          pending.push({ messageId: envelope.MessageId ?? '', subject: envelope.Subject ?? '', body: envelope.Message ?? '' });
        }
      }
    },
  };
}
