/**
 * The collection's default consistency level. The SDK sends `params.consistency_level || the collection's default`,
 * and Strong is 0, so a Strong search falls through to the default: with Strong as the default it stays Strong,
 * and every other level is sent as asked.
 */
export const COLLECTION_CONSISTENCY = 'Strong';
