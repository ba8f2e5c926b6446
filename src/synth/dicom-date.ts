/** DICOM DA and TM values (PS3.5 Table 6.2-1) from JavaScript dates. */

/** The local calendar date as DA, `YYYYMMDD`: a modality asks for its own "today". */
export function localDicomDate(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}${month}${day}`;
}

/** Minutes after midnight as TM, `HHMMSS`, wrapped into one day. */
export function dicomTimeFromMinutes(minutesOfDay: number): string {
  const wrapped = ((Math.floor(minutesOfDay) % 1440) + 1440) % 1440;
  const hours = String(Math.floor(wrapped / 60)).padStart(2, '0');
  const minutes = String(wrapped % 60).padStart(2, '0');
  return `${hours}${minutes}00`;
}
