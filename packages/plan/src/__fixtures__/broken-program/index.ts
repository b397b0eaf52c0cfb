// A program with a bug (no input explains it): the plan exits 70, not 2, and prints the error with its trace.
export = () => {
  const settings: Record<string, { size: number }> = {};
  return { size: settings["missing"]!.size };
};
