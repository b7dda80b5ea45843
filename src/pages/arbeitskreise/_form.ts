import { AppError } from '../../lib/http/app-error';

/** Reads a POST body once for pages with several forms; a broken body is a 400, never a 500 (as parseForm). */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new AppError(
      'bad_request',
      'Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    );
  }
}
