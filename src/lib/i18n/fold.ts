/** Folds German spellings so that ä = ae = a, ö = oe = o, ü = ue = u, ß = ss, and case does not matter. */
export function foldGerman(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u');
}
