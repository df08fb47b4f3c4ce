export function SimulatorBadge() {
  return (
    <span
      className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-900 ring-1 ring-amber-300"
      title="This portal talks to the bundled Anaplan simulator, not to real Anaplan"
    >
      Simulator
    </span>
  );
}
