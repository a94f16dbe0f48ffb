/** The V8 flags the command sets for its process (bin/v8Flags.js). */
export declare const V8_FLAGS: readonly string[];
