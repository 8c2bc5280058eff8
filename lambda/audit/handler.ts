// Placeholder so the CDK stack can bundle its entry; replaced by the audit Lambda work.
export const handler = async (): Promise<void> => {
  throw new Error('audit handler not built yet');
};
