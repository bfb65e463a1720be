/** ANSI styles, off when output is not a terminal or `NO_COLOR` is set (`FORCE_COLOR` forces them on). */
export interface Palette {
  readonly enabled: boolean;
  paint(style: Style, text: string): string;
}

const CODES = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39],
  magenta: [35, 39], cyan: [36, 39], gray: [90, 39], brightRed: [91, 39], brightGreen: [92, 39],
  brightYellow: [93, 39], brightBlue: [94, 39], brightMagenta: [95, 39], brightCyan: [96, 39],
} as const;

/** A named ANSI style. */
export type Style = keyof typeof CODES;

/** Styles cycled through to tell services apart. */
export const SERVICE_STYLES: readonly Style[] = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'brightCyan', 'brightMagenta', 'brightBlue', 'brightYellow', 'brightGreen'];

/** A palette for `stream`, honouring NO_COLOR / FORCE_COLOR. */
export function createPalette(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' ? true : !env.NO_COLOR && stream.isTTY === true;
  return {
    enabled,
    paint: (style, text) => {
      if (!enabled) return text;
      const [open, close] = CODES[style];
      return `\u001b[${open}m${text}\u001b[${close}m`;
    },
  };
}
