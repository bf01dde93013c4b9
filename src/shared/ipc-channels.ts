/**
 * The preload asks the main process once, synchronously, for the names of the DeskApi methods the engine
 * registered: contextBridge copies only an object's own functions, so the bridge needs them spelled out.
 * (The call and event channels are IPC_CALL_CHANNEL and IPC_EVENT_CHANNEL in rpc.ts.)
 */
export const IPC_METHODS_CHANNEL = 'desk:methods';
