import type { PackageDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

interface Field { name?: string; typeName?: string; extendee?: string }
interface Range { start?: number; end?: number }
interface Message {
  name?: string; field?: Field[]; extension?: Field[]; nestedType?: Message[]; enumType?: { name?: string }[]; options?: { mapEntry?: boolean };
  reservedRange?: Range[];
}
interface Method { inputType?: string; outputType?: string }
interface File { name?: string; package?: string; dependency?: string[]; messageType?: Message[]; enumType?: { name?: string }[]; service?: { method?: Method[] }[]; extension?: Field[] }

/** The one well-known type our protos use, under the file name every reflection client expects. */
const WKT_FILE: Record<string, string> = { 'google.protobuf': 'google/protobuf/timestamp.proto' };

function collectTypes(prefix: string, messages: Message[] = [], enums: { name?: string }[] = [], out: Map<string, string>, file: string): void {
  for (const e of enums) out.set(`${prefix}.${e.name}`, file);
  for (const m of messages) {
    const fqn = `${prefix}.${m.name}`;
    out.set(fqn, file);
    collectTypes(fqn, m.nestedType, m.enumType, out, file);
  }
}

/** protoc's name of a map field's entry type: `passed_over_counts` → `PassedOverCountsEntry`. */
const entryName = (field: string) => `${field.replace(/(?:^|_)([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Entry`;

/**
 * protobufjs names map entry types after the field (`Passed_over_counts`); strict linkers require
 * protoc's `PassedOverCountsEntry`. Renames them (before types are collected) and points the
 * fields at the new names.
 */
function renameMapEntries(messages: Message[] = []): void {
  for (const m of messages) {
    for (const entry of m.nestedType ?? []) {
      if (!entry.options?.mapEntry) continue;
      const field = m.field?.find((f) => f.typeName === entry.name || f.typeName?.endsWith(`.${m.name}.${entry.name}`));
      if (!field?.name) continue;
      entry.name = entryName(field.name);
      field.typeName = entry.name;
    }
    renameMapEntries(m.nestedType);
  }
}

/**
 * protobufjs writes a message's reserved ranges with an inclusive end (`reserved 5` → 5..5);
 * descriptor.proto's end is exclusive, so strict linkers read that as an empty, invalid range and
 * drop the whole file (and the services in it). Enum reserved ranges are inclusive in both.
 */
function fixReservedRanges(messages: Message[] = []): void {
  for (const m of messages) {
    m.reservedRange = m.reservedRange?.map((r) => ({ start: r.start ?? 0, end: (r.end ?? r.start ?? 0) + 1 }));
    fixReservedRanges(m.nestedType);
  }
}

/** Resolves a (possibly relative) type reference from `scope` the way protoc does: innermost scope first. */
function resolve(ref: string, scope: string, types: ReadonlyMap<string, string>): string {
  if (ref === '' || ref.startsWith('.')) return ref;
  for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
    const candidate = s ? `.${s}.${ref}` : `.${ref}`;
    if (types.has(candidate)) return candidate;
    if (s === '') return `.${ref}`;
  }
}

/**
 * proto-loader (protobufjs) describes each proto *package* as one synthetic file
 * (`switchboard_v1.proto`) with relative type names and no imports, so clients that link the
 * reflected schema strictly (buf curl, grpcurl) find no service (grpc-node issue 2595). This
 * rewrites those descriptors in place: fully qualified type names, each file's dependencies on
 * the packages it references, the well-known types under their usual file names, and message
 * reserved ranges with protoc's exclusive end.
 */
export function linkDescriptorFiles(definition: PackageDefinition): PackageDefinition {
  const files = new Map<string, File>();
  for (const value of Object.values(definition)) {
    for (const bytes of (value as { fileDescriptorProtos?: Uint8Array[] }).fileDescriptorProtos ?? []) {
      const file = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as File;
      if (file.name && !files.has(file.name)) files.set(file.name, file);
    }
  }
  for (const f of files.values()) {
    renameMapEntries(f.messageType);
    fixReservedRanges(f.messageType);
  }
  const types = new Map<string, string>();
  for (const [name, f] of files) collectTypes(f.package ? `.${f.package}` : '', f.messageType, f.enumType, types, WKT_FILE[f.package ?? ''] ?? name);
  const encoded = new Map<string, Uint8Array>();
  for (const [name, f] of files) {
    const ownName = WKT_FILE[f.package ?? ''] ?? name;
    const deps = new Set<string>();
    const fix = (ref: string | undefined, scope: string) => {
      if (!ref) return ref;
      const fqn = resolve(ref, scope, types);
      const home = types.get(fqn);
      if (home && home !== ownName) deps.add(home);
      return fqn;
    };
    const walk = (messages: Message[] = [], scope: string) => {
      for (const m of messages) {
        const inner = `${scope}.${m.name}`.replace(/^\./, '');
        for (const field of [...(m.field ?? []), ...(m.extension ?? [])]) {
          field.typeName = fix(field.typeName, inner);
          field.extendee = fix(field.extendee, inner);
        }
        walk(m.nestedType, inner);
      }
    };
    walk(f.messageType, f.package ?? '');
    for (const service of f.service ?? []) {
      for (const method of service.method ?? []) {
        method.inputType = fix(method.inputType, f.package ?? '');
        method.outputType = fix(method.outputType, f.package ?? '');
      }
    }
    f.name = ownName;
    f.dependency = [...new Set([...(f.dependency ?? []), ...deps])];
    encoded.set(name, descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(f)).finish());
  }
  for (const value of Object.values(definition)) {
    const holder = value as { fileDescriptorProtos?: Uint8Array[] };
    if (!holder.fileDescriptorProtos) continue;
    holder.fileDescriptorProtos = holder.fileDescriptorProtos.map((bytes) => {
      const name = (descriptor.FileDescriptorProto.decode(bytes) as unknown as File).name ?? '';
      return encoded.get(name) ?? bytes;
    });
  }
  return definition;
}
