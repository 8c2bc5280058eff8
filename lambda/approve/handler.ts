// Placeholder so the CDK stack can bundle its entry; replaced by the approval Lambda work.
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 503, body: 'not built yet' });
