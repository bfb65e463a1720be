import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSync } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { linkDescriptorFiles } from './descriptor-links.js';

const PROTO = `syntax = "proto3";
package demo.v1;
message Ring {
  reserved 5, 7 to 9;
  reserved "drop_language";
  uint32 after_seconds = 1;
  message Inner { reserved 2; string name = 1; }
  Inner inner = 6;
}
message PingRequest { Ring ring = 1; }
message PingResponse {}
service Demo { rpc Ping(PingRequest) returns (PingResponse); }
`;

describe('reflection descriptors', () => {
  it('write message reserved ranges with an exclusive end, as protoc does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-desc-'));
    writeFileSync(join(dir, 'demo.proto'), PROTO);
    const definition = linkDescriptorFiles(loadSync('demo.proto', { includeDirs: [dir] }));
    const bytes = (definition['demo.v1.Ring'] as unknown as { fileDescriptorProtos: Uint8Array[] }).fileDescriptorProtos[0]!;
    const file = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as {
      messageType: { name: string; reservedRange?: { start: number; end: number }[]; reservedName?: string[]; nestedType?: { name: string; reservedRange?: unknown[] }[] }[];
    };
    const ring = file.messageType.find((m) => m.name === 'Ring')!;
    expect(ring.reservedRange).toEqual([{ start: 5, end: 6 }, { start: 7, end: 10 }]);
    expect(ring.reservedName).toEqual(['drop_language']);
    expect(ring.nestedType?.find((m) => m.name === 'Inner')?.reservedRange).toEqual([{ start: 2, end: 3 }]);
  });
});
