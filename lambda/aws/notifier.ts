import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** SNS email subjects must be under 100 characters, ASCII, with no line breaks. */
export function safeSubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= 99 ? clean : `${clean.slice(0, 96)}...`;
}

/** Publishes a plain-text email to the topic; returns the SNS message id. */
export async function publishEmail(sns: SNSClient, topicArn: string, subject: string, body: string): Promise<string> {
  const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: safeSubject(subject), Message: body }));
  return out.MessageId ?? '';
}
