/** The JSON body of every webhook request, `{"type","timestamp","data"}`. `data` is spliced in as stored, so it reaches the receiver byte for byte. */
export function webhookBody(type: string, createdAt: number, payload: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(new Date(createdAt).toISOString())},"data":${payload}}`;
}
