/** Continuous mode closes a slice every DEFAULT_SLICE_SECONDS or DEFAULT_SLICE_MIB, whichever comes first. */
export const DEFAULT_SLICE_SECONDS = 5;
export const DEFAULT_SLICE_MIB = 16;
