import { connect } from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

/** One OP_MSG round trip without a driver: for replies the driver would hide (e.g. no secondaryOk). */
export function rawCommand(host: string, cmd: Document): Promise<Document> {
  const [h, p] = host.split(':');
  const body = serialize(cmd);
  const msg = Buffer.alloc(21 + body.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(7, 4);
  msg.writeInt32LE(2013, 12);
  Buffer.from(body).copy(msg, 21);
  return new Promise((resolve, reject) => {
    const s = connect({ host: h, port: Number(p) }, () => s.write(msg));
    let buf = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
        s.destroy();
        resolve(deserialize(buf.subarray(21, buf.readInt32LE(0))));
      }
    });
    s.on('error', reject);
  });
}
